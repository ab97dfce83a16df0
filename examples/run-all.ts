/**
 * `npm run examples`: runs every numbered example (09 is a CI workflow file,
 * not a program) with a time limit, and fails if one exits non-zero, times
 * out, or no longer prints the lines its README promises.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LIMIT_MS = 45_000;

/** Lines each example must print (its own self-checks cover the numbers). */
const EXPECT: Record<string, RegExp[]> = {
  '01-counter-locks': [/with a Lock\s+: 6,000,000 \(every update kept\)/, /PASS\s+example-counter\/locked/, /CAUGHT\s+example-counter\/unlocked/, /replay: npx stress replay/],
  '02-producer-consumer': [/\[producer-0\] stop seen/, /\[consumer-\d\] queue closed and drained/, /queue empty: true/, /CAUGHT\s+producer-consumer\/stop-event-race/],
  '03-barrier-start': [/with Barrier: [\d.]+ ms/, /CAUGHT\s+barrier-start\/early-release/],
  '04-deadlock': [/DeadlockError: deadlock: teller-\d waits for/, /a Lock is not reentrant; use RLock/, /recursive-rlock: visited 4 levels/, /CAUGHT\s+deadlock\/opposite-order/],
  '05-download-links': [/4 at a time \(Semaphore\): \d+ ms, at most [1-4] requests in flight/, /4 worker threads/],
  '06-debugging-a-race': [/\[teller-\d\] balance 100 >= 60: paying out/, /final balance -20/, /teller-\d\s+user\s+balance checked/, /PASS\s+example-account\/locked/],
  '07-validate-your-lock': [/CAUGHT\s+my-spinlock\/check-then-set/, /spinlock: held in all \d+ trials/],
  '08-mocha': [/✔ catches check-then-set/, /"one thread at a time" failed in \d+ of [\d,]+ trials/, /1 failing/],
  '10-validate-ringbuf': [/PASS\s+conformance\/queue\/ringbuf\.js\/t2\/c-all\/j-none: 2,000 trials/, /exit code 0/],
};

let failed = 0;
const started = performance.now();
for (const [name, patterns] of Object.entries(EXPECT)) {
  const main = fileURLToPath(new URL(`./${name}/main.js`, import.meta.url));
  const t = performance.now();
  const r = spawnSync(process.execPath, [main], { encoding: 'utf8', timeout: LIMIT_MS, env: { ...process.env, STRESS_SEED: '' } });
  const secs = ((performance.now() - t) / 1000).toFixed(1);
  // CI=true makes mocha colour its output even into a pipe: match the text, not the escape codes.
  // eslint-disable-next-line no-control-regex
  const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '');
  const missing = patterns.filter((p) => !p.test(out));
  const problem = r.signal !== null ? `timed out after ${LIMIT_MS / 1000} s` : r.status !== 0 ? `exit ${r.status}` : missing.length > 0 ? `did not print ${missing.join(', ')}` : '';
  if (problem === '') {
    console.log(`ok    ${name} (${secs} s)`);
  } else {
    failed++;
    console.log(`FAIL  ${name} (${secs} s): ${problem}\n${out.replace(/^/gm, '      | ')}`);
  }
}
const total = Object.keys(EXPECT).length;
console.log(`examples: ${total - failed} passed, ${failed} failed in ${((performance.now() - started) / 1000).toFixed(1)} s (09-ci is a workflow file, not run here)`);
process.exitCode = failed > 0 ? 1 : 0;
