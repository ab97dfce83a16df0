/**
 * The CLI's exit code is its command's result, and nothing else: exit code 0 only when the
 * command returned 0. Two ways around that are closed here:
 * - a promise that never settles (in suite code such as `prepare`, a module's top-level await, a
 *   reporter) does not keep Node's event loop alive: the process would end as if all were well,
 *   with no verdict and exit code 0. When the loop drains while the command is still pending, the
 *   guard says what was being waited for and exits with EXIT.HARNESS;
 * - user code on the main thread calling process.exit(0) (or setting process.exitCode = 0) before
 *   or after the verdict: a 0 that the command did not return becomes its result, or EXIT.HARNESS.
 * The watchdogs on each awaited piece of user code give the precise message; this is the last line.
 */
import { EXIT } from '../core/grade/verdict.js';
import { pendingSteps } from '../core/shared/awaiting.js';
import { thrownMessage } from '../core/shared/errors.js';

export function guardExitCode(result: Promise<number>, command: string): void {
  let code: number | undefined;
  // Until the command returns, any way out of the process is a failure.
  process.exitCode = EXIT.HARNESS;
  result.then(
    (c) => {
      code = c;
      process.exitCode = c;
      exitSoonAfterVerdict(command);
    },
    (err: unknown) => {
      process.stderr.write(`stress: internal error: ${internalError(err)}\n`);
      code = EXIT.HARNESS;
      process.exitCode = EXIT.HARNESS;
      exitSoonAfterVerdict(command);
    },
  );
  process.on('beforeExit', () => {
    if (code !== undefined) return;
    process.stderr.write(`\nstress: the run could not finish: ${waitingFor(command)} never settled, and nothing else was left to run. No verdict: exit code ${EXIT.HARNESS}.\n`);
    process.exit(EXIT.HARNESS);
  });
  process.on('exit', (exitCode) => {
    if (exitCode !== 0 || code === 0) return;
    if (code === undefined) {
      const steps = pendingSteps();
      const during = steps.length > 0 ? ` (while ${steps.join('; ')})` : '';
      process.stderr.write(`\nstress: the process was ended with exit code 0 before ${command} finished${during}: did suite or reporter code call process.exit? No verdict: exit code ${EXIT.HARNESS}.\n`);
    }
    process.exitCode = code ?? EXIT.HARNESS;
  });
}

/** Nothing of ours runs once the command has returned and its reports are written. */
const LINGER_MS = 2000;

/**
 * A user module can leave a timer or a socket open (a setInterval at a suite's top level, a
 * module that failed to load half-way): the verdict is in, but the process would never end and a
 * CI job would hang. The timer is unref'd: a process that ends by itself is not delayed.
 */
function exitSoonAfterVerdict(command: string): void {
  setTimeout(() => {
    process.stderr.write(`stress: ${command} has finished, but something it loaded (a timer or open handle in a suite, config, implementation or reporter module) keeps the process alive; exiting with exit code ${String(process.exitCode)}\n`);
    process.exit();
  }, LINGER_MS).unref();
}

/** An error that escaped the command, with its stack if it has one; never throws (it may be anything user code threw). */
function internalError(err: unknown): string {
  try {
    const stack: unknown = err instanceof Error ? err.stack : undefined;
    if (typeof stack === 'string') return stack;
  } catch {
    // Its message stands in.
  }
  return thrownMessage(err);
}

function waitingFor(command: string): string {
  const steps = pendingSteps();
  if (steps.length > 0) return steps.join('; ');
  return `a promise awaited by ${command} (in suite code such as prepare, a reporter, or the harness)`;
}
