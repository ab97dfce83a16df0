import { runTrial } from '../../lib/trial.js';
import { newControl } from '../../lib/control.js';
import { makeRow } from '../../lib/row.js';
import { REPS, UNCONTENDED } from '../config.js';
import { noteFailure } from '../failures.js';
import type { UncontendedResult, UncontendedSpec, UncontendedVariant } from '../tasks/spec.js';
import type { SuiteResult } from '../suite.js';
import { WORKER_URL } from '../worker-url.js';

const SECTION = '1 uncontended';
const UNIT = 'ns/op';

export async function uncontendedSuite(): Promise<SuiteResult> {
  const samples: Record<UncontendedVariant, number[]> = { raw: [], lock: [], lockNoDetect: [], rlock: [], semaphore: [] };
  for (let rep = 0; rep < REPS; rep++) {
    const control = newControl();
    const spec: UncontendedSpec = { task: 'uncontended', control, iterations: UNCONTENDED.iterations, rounds: UNCONTENDED.rounds };
    try {
      const [result] = (await runTrial({ workerUrl: WORKER_URL, data: [spec], control, timeoutMs: UNCONTENDED.timeoutMs })) as [UncontendedResult];
      for (const v of Object.keys(samples) as UncontendedVariant[]) samples[v].push(result[v]);
    } catch (err) {
      noteFailure(`uncontended rep ${rep}`, err);
      for (const v of Object.keys(samples) as UncontendedVariant[]) samples[v].push(NaN);
    }
  }
  const raw = 'raw CAS+store';
  const common = { section: SECTION, unit: UNIT, sense: 'lower-is-better' as const };
  const rows = [
    makeRow({ ...common, name: 'Lock acquire+release', figure: samples.lock, baselineName: raw, baseline: samples.raw, goal: 0.5 }),
    makeRow({ ...common, name: 'Lock, detection off', figure: samples.lockNoDetect, baselineName: raw, baseline: samples.raw }),
    makeRow({ ...common, name: 'Lock, detection on vs off', figure: samples.lock, baselineName: 'detection off', baseline: samples.lockNoDetect }),
    makeRow({ ...common, name: 'RLock acquire+release', figure: samples.rlock, baselineName: raw, baseline: samples.raw }),
    makeRow({ ...common, name: 'Semaphore(1) acquire+release', figure: samples.semaphore, baselineName: raw, baseline: samples.raw }),
  ];
  return { rows, notes: [] };
}
