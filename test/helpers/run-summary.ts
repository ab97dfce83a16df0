/** Runs of the harness API in tests: the summary at the end of a run, and the path of a harness test fixture. */
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../../harness/core/grade/results.js';
import type { RunEvent } from '../../harness/core/events.js';

/** The summary a run() generator ends with, its events passed over. */
export async function summaryOf(gen: AsyncGenerator<RunEvent, RunSummary>): Promise<RunSummary> {
  for (;;) {
    const next = await gen.next();
    if (next.done === true) return next.value;
  }
}

/** The compiled suite test/harness/fixtures/<name>.ts. */
export function harnessFixture(name: string): string {
  return fileURLToPath(new URL(`../harness/fixtures/${name}.js`, import.meta.url));
}
