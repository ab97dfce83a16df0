/**
 * The detection section's baseline: a naive repeat loop. Each iteration builds
 * the suite's state, starts one fresh Worker per thread (no start gate, no
 * jitter), waits for the actors, then checks the invariants in the main
 * thread. A hang is caught by a per-iteration watchdog of 2 s (mocha's
 * default test timeout: the user's test would fail with a timeout), which
 * terminates the workers; it counts as a detection.
 */
import { allocatorOf } from '../../harness/core/execute/state-arena.js';
import { Worker } from 'node:worker_threads';
import { reapThread } from '@shakedown/primitives';
import type { AnySuite } from '../../harness/core/plan/load-suite.js';
import type { Configuration } from '../../harness/core/grade/results.js';
import { type ActorOutcome, type InvariantVerdict, verdictOk } from '../../harness/suite-api.js';

export const NAIVE_WATCHDOG_MS = 2000;

export interface NaiveThreadData {
  suiteUrl: string;
  variant: string;
  params: Configuration['params'];
  threads: number;
  thread: number;
  iteration: number;
  timeoutMs: number;
  state: unknown;
}

export interface NaiveResult {
  caught: boolean;
  /** Iterations run (up to and including the detecting one). */
  iterations: number;
  /** ms from the loop's start to the end of the detecting iteration. */
  msToDetect: number | null;
  how: 'invariant' | 'hang' | 'error' | null;
}

const WORKER_URL = new URL('./naive-worker.js', import.meta.url);

type Iteration = { kind: 'done'; state: unknown; outcomes: Array<ActorOutcome<unknown>> } | { kind: 'hang' } | { kind: 'crash' };

async function iterate(suite: AnySuite, config: Configuration, iteration: number): Promise<Iteration> {
  // What a user's loop does: a fresh buffer for every allocation.
  const ctx = { threads: config.threads, params: config.params, variant: config.variant, trial: iteration, ...allocatorOf(null) };
  const state: unknown = suite.setup(ctx);
  const workers = Array.from({ length: config.threads }, (_, thread) => {
    const data: NaiveThreadData = { suiteUrl: config.suiteUrl, variant: config.variant, params: config.params, threads: config.threads, thread, iteration, timeoutMs: NAIVE_WATCHDOG_MS, state };
    return new Worker(WORKER_URL, { workerData: data });
  });
  const replies = workers.map(
    (w) =>
      new Promise<ActorOutcome<unknown>>((resolve, reject) => {
        w.once('message', (m: ActorOutcome<unknown>) => resolve(m));
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`exit ${code}`)));
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<Iteration>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'hang' }), NAIVE_WATCHDOG_MS);
  });
  try {
    return await Promise.race([
      Promise.all(replies).then(
        (outcomes): Iteration => ({ kind: 'done', state, outcomes }),
        (): Iteration => ({ kind: 'crash' }),
      ),
      watchdog,
    ]);
  } finally {
    clearTimeout(timer);
    const ids = workers.map((w) => w.threadId);
    await Promise.all(workers.map((w) => w.terminate()));
    // Terminated workers never run the primitives' exit hook: free their registry slots.
    for (const id of ids) reapThread(id);
  }
}

/** Runs iterations until one fails an invariant, hangs or errors, or `budgetMs` is spent. */
export async function naiveLoop(suite: AnySuite, config: Configuration, budgetMs: number): Promise<NaiveResult> {
  const t0 = performance.now();
  await suite.prepare?.({ threads: config.threads, params: config.params, variant: config.variant });
  let iterations = 0;
  while (performance.now() - t0 < budgetMs) {
    const it = await iterate(suite, config, iterations);
    iterations++;
    let how: NaiveResult['how'] = null;
    if (it.kind === 'hang') how = 'hang';
    else if (it.kind === 'crash') how = 'error';
    else {
      const ctx = { threads: config.threads, params: config.params, variant: config.variant };
      // Without actorErrorsAreFailures a thrown error would fail the user's test too.
      if (it.outcomes.some((o) => !o.ok) && suite.actorErrorsAreFailures !== true) how = 'error';
      else if (Object.values(suite.invariants).some((inv) => !holds(() => inv(it.state, it.outcomes, ctx)))) how = 'invariant';
    }
    if (how !== null) return { caught: true, iterations, msToDetect: performance.now() - t0, how };
  }
  return { caught: false, iterations, msToDetect: null, how: null };
}

/** An invariant that throws on a broken state has failed, as it would fail the user's test. */
function holds(check: () => InvariantVerdict): boolean {
  try {
    return verdictOk(check());
  } catch {
    return false;
  }
}
