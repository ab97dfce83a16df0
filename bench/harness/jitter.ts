/**
 * Section 3: does each jitter profile delay as long as it says, and how does
 * the counter canary's race rate move with jitter size (the curve behind the
 * default profiles)?
 */
import { JITTER_PROFILES, delay } from '../../harness/core/execute/jitter.js';
import { WorkerGroups } from '../../harness/core/execute/pools.js';
import { resolveSuiteUrl } from '../../harness/core/plan/plan.js';
import { executeConfiguration } from '../../harness/core/execute/executor.js';
import { loadSuite } from '../../harness/core/plan/load-suite.js';
import { median } from '../lib/stats.js';
import { makeRow, type Row } from '../lib/row.js';

/** Median measured delay for requested delays of `micros`, spinning (as at a yield point). */
function measuredDelay(micros: number, spin: boolean, samples: number): number {
  const got: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    delay(micros, spin);
    got.push((performance.now() - t0) * 1000);
  }
  return median(got);
}

async function raceRate(groups: WorkerGroups, jitter: string, trials: number): Promise<number> {
  const url = resolveSuiteUrl('counter');
  const suite = await loadSuite(url);
  const config = {
    key: `counter/unlocked/t2/c-all/j-${jitter}`,
    suite: 'counter',
    suiteUrl: url,
    variant: 'unlocked',
    canary: true,
    threads: 2,
    cores: 'all' as const,
    jitter,
    params: { increments: 1 },
    seed: 'bench-jitter',
  };
  const r = await executeConfiguration(suite, config, { timeoutMs: 5000, traceEvents: 8, budget: { runs: trials }, groups });
  return r.failedTrials / r.trials;
}

export async function jitterRows(reps: number): Promise<Row[]> {
  const rows: Row[] = [];
  const section = '3 jitter';
  for (const micros of [1, 10, 50]) {
    const figure = Array.from({ length: reps }, () => measuredDelay(micros, true, 2000));
    rows.push(makeRow({ section, name: `spin delay asked ${micros} us`, unit: 'us', sense: 'lower-is-better', baselineName: 'requested', figure, baseline: figure.map(() => micros) }));
  }
  const sleep = Array.from({ length: reps }, () => measuredDelay(1000, false, 50));
  rows.push(makeRow({ section, name: 'sleep delay asked 1000 us', unit: 'us', sense: 'lower-is-better', baselineName: 'requested', figure: sleep, baseline: sleep.map(() => 1000) }));
  const groups = new WorkerGroups();
  try {
    const rates = new Map<string, number[]>();
    for (let i = 0; i < reps; i++) {
      for (const name of Object.keys(JITTER_PROFILES)) {
        const trials = name === 'sleep-1ms' ? 400 : 20_000;
        rates.set(name, [...(rates.get(name) ?? []), 100 * (await raceRate(groups, name, trials))]);
      }
    }
    for (const [name, r] of rates) {
      rows.push(makeRow({ section, name: `counter canary race rate, ${name}`, unit: '%', sense: 'higher-is-better', baselineName: 'no jitter', figure: r, baseline: rates.get('none')! }));
    }
  } finally {
    await groups.close();
  }
  return rows;
}
