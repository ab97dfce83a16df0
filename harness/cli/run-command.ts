import { run } from '../run.js';
import { formatEvent, formatTrace } from '../../reporters/console.js';
import { runOptionsFrom } from './options.js';
import { writeFileAtomic } from './atomic-write.js';
import type { RunSummary } from '../results.js';

/** Status line cadence when not on a TTY (CI logs): like cmd/stress, every few seconds. */
const STATUS_EVERY_MS = 5000;

export async function runCommand(argv: string[]): Promise<number> {
  const { options, jsonPath } = await runOptionsFrom(argv);
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130); // second Ctrl-C: leave at once
    process.stderr.write(`\nstress: ${signal}: finishing the current configuration, then reporting what completed (again to quit now)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tty = process.stdout.isTTY === true;
  let lastStatus = 0;
  let summary: RunSummary | undefined;
  // On a terminal the status is one line redrawn in place; in CI logs, a plain line every few seconds.
  let liveLine = false;
  const clearLive = (): void => {
    if (liveLine) process.stdout.write('\r\x1b[K');
    liveLine = false;
  };
  try {
    for await (const event of run({ ...options, signal: controller.signal })) {
      if (event.type === 'progress') {
        const now = performance.now();
        if (!tty && now - lastStatus < STATUS_EVERY_MS) continue;
        lastStatus = now;
        const text = formatEvent(event);
        if (text === null) continue;
        if (tty) {
          clearLive();
          process.stdout.write(text.slice(0, (process.stdout.columns ?? 80) - 1));
          liveLine = true;
        } else {
          process.stdout.write(`${text}\n`);
        }
        continue;
      }
      const text = formatEvent(event);
      clearLive();
      if (text !== null) process.stdout.write(`${text}\n`);
      if (event.type === 'config-end' && event.result.status !== 'pass' && !event.result.config.canary) {
        const trace = formatTrace(event.result);
        if (trace.length > 0) process.stdout.write(`    trace of the first failing trial:\n${trace.join('\n')}\n`);
      }
      if (event.type === 'run-end') summary = event.summary;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (summary === undefined) return 3;
  if (jsonPath !== undefined) writeFileAtomic(jsonPath, `${JSON.stringify(summary, null, 2)}\n`);
  return summary.exitCode;
}
