/**
 * 08: stress tests inside mocha. Runs mocha as you would (`npx mocha <spec>`, with --no-config),
 * serially on the passing spec, then with --parallel on both specs, where the
 * broken lock fails with its rate and a replay command.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect } from '../lib/report.js';

const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const spec = (name: string): string => fileURLToPath(new URL(`./${name}.spec.js`, import.meta.url));

/** Per mocha run: above the specs' own 30 s timeouts, and both runs within the 90 s `npm run examples` gives this example. */
const MOCHA_LIMIT_MS = 40_000;

function run(args: string[]): { code: number | null; out: string } {
  // --no-config: this repository's own .mocharc.json (its specs, its 60 s timeout) stays out.
  const argv = ['--no-config', ...args];
  console.log(`$ npx mocha ${argv.map((a) => a.replace(/.*\/dist\//, 'dist/')).join(' ')}`);
  const r = spawnSync(process.execPath, [mocha, ...argv], { encoding: 'utf8', timeout: MOCHA_LIMIT_MS });
  if (r.signal !== null) console.log(`(mocha stopped after ${MOCHA_LIMIT_MS / 1000} s)`);
  // Replay tokens are long; shorten them for the printout.
  const out = r.stdout + r.stderr;
  console.log(out);
  return { code: r.status, out };
}

const serial = run([spec('locks')]);
expect(serial.code === 0, 'the passing spec passes');
const parallel = run(['--parallel', '--jobs', '2', spec('locks'), spec('broken')]);
expect(parallel.code === 1 && /one thread at a time" failed in \d+ of [\d,]+ trials/.test(parallel.out) && /replay: npx stress replay/.test(parallel.out), 'the broken lock fails with rate and replay');
