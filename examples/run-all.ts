/**
 * `npm run examples`: runs every numbered example with a time limit, and fails
 * if one exits non-zero, times out, or no longer prints the lines its README
 * promises.
 *
 * Each example runs in its own process group (detached), and the whole group is
 * killed when its time is up or once it has exited: examples 08, 09 and 10 start
 * processes of their own (mocha, `stress run`), which must not outlive it. Those
 * inner commands have shorter limits than LIMIT_MS, so an example can still
 * report its own timeout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LIMIT_MS = 90_000;

/** Lines each example must print (its own self-checks cover the numbers). */
const EXPECT: Record<string, RegExp[]> = {
  '01-counter-locks': [/with a Lock\s+: 6,000,000 \(every update kept\)/, /PASS\s+example-counter\/locked/, /CAUGHT\s+example-counter\/unlocked/, /replay: npx stress replay/],
  '02-producer-consumer': [/\[producer-0\] stop seen/, /\[consumer-\d\] queue closed and drained/, /queue empty: true/, /\[pool_\d\] producer received the event, put \d+/, /\[pool_\d\] consumer found the queue closed and drained, took \d+/, /executor shut down: (\d+) put, \1 taken/, /CAUGHT\s+producer-consumer\/stop-event-race/, /blocked: consumer-\d waits for queue \(queue: not empty\)/],
  '03-barrier-start': [/with Barrier: [\d.]+ ms/, /CAUGHT\s+barrier-start\/early-release/],
  '04-deadlock': [/DeadlockError: deadlock: teller-\d waits for/, /a Lock is not reentrant; use RLock/, /recursive-rlock: visited 4 levels/, /CAUGHT\s+deadlock\/opposite-order/, /opposite-order, for example:/],
  '05-download-links': [/4 at a time \(Semaphore\): \d+ ms, at most [1-4] requests in flight/, /^ {4}\/page-0 page is \d+ bytes$/m, /^ {4}\/missing generated an exception: HTTP 404 Not Found$/m, /^ {4}\/reset generated an exception: fetch failed$/m, /async \(Promise\.all\)\s+: .*cores busy/, /\d+ worker threads\s+: .*cores busy/],
  '06-debugging-a-race': [/\[teller-\d\] balance 100 >= 60: paying out/, /final balance -20/, /teller-\d\s+user\s+checking balance/, /teller-\d\s+user\s+saw 100/, /PASS\s+example-account\/locked/],
  '07-validate-your-lock': [/CAUGHT\s+my-spinlock\/check-then-set/, /spinlock: held in all \d+ trials/],
  '08-mocha': [/✔ catches check-then-set/, /"one thread at a time" failed in \d+ of [\d,]+ trials/, /1 failing/],
  '09-ci': [/\$ npx stress run --shard 3\/3 /, /\$ npx stress merge /, /out\/stress\.xml .*[1-9]\d* testcases/],
  '10-validate-ringbuf': [/PASS\s+conformance\/queue\/ringbuf\.js\/t2\/c-all\/j-none: 2,000 trials/, /exit code 0/],
};

interface Ran {
  code: number | null;
  timedOut: boolean;
  out: string;
}

let current: ChildProcess | undefined;

/** Kills the example's whole process group: itself, and mocha or `stress run` below it. */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is gone already.
  }
}

function runExample(main: string): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STRESS_SEED: '' } });
    current = child;
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, LIMIT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      // Whatever it left running (it should leave nothing) goes too; then its pipes close.
      killGroup(child);
      child.once('close', () => {
        current = undefined;
        resolve({ code, timedOut, out });
      });
    });
  });
}

// A detached group does not get the terminal's Ctrl-C: pass it on.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (current !== undefined) killGroup(current);
    process.exit(130);
  });
}

let failed = 0;
const started = performance.now();
for (const [name, patterns] of Object.entries(EXPECT)) {
  const main = fileURLToPath(new URL(`./${name}/main.js`, import.meta.url));
  const t = performance.now();
  const r = await runExample(main);
  const secs = ((performance.now() - t) / 1000).toFixed(1);
  // CI=true makes mocha colour its output even into a pipe: match the text, not the escape codes.
  // eslint-disable-next-line no-control-regex
  const out = r.out.replace(/\x1b\[[0-9;]*m/g, '');
  const missing = patterns.filter((p) => !p.test(out));
  const problem = r.timedOut ? `timed out after ${LIMIT_MS / 1000} s` : r.code !== 0 ? `exit ${r.code}` : missing.length > 0 ? `did not print ${missing.join(', ')}` : '';
  if (problem === '') {
    console.log(`ok    ${name} (${secs} s)`);
  } else {
    failed++;
    console.log(`FAIL  ${name} (${secs} s): ${problem}\n${out.replace(/^/gm, '      | ')}`);
  }
}
const total = Object.keys(EXPECT).length;
console.log(`examples: ${total - failed} passed, ${failed} failed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = failed > 0 ? 1 : 0;
