/**
 * `stress.it(title, suite, options)`: a mocha `describe` block that runs the
 * suite through the harness once (in a `before` hook) and reports each
 * invariant as its own test. Uses mocha's globals (describe, before, it), so
 * it works wherever mocha loaded the spec file: serial, `--parallel`, watch.
 */
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../core/shared/errors.js';
import type { RunSummary } from '../core/grade/results.js';
import type { AnySuite } from '../core/plan/load-suite.js';
import { run } from '../core/run.js';
import { type SuiteRef, loadSuiteSync } from './load-sync.js';
import { type StressItOptions, abortAfter, blockTimeout, countConfigs, mochaTimeoutFor, normalize } from './options.js';
import { type SeedInfo, type Verdict, canaryVerdict, errorVerdict, failure, invariantVerdict } from './verdicts.js';
import { DEFAULT_THREADS } from '../core/settings/defaults.js';
import { counted } from '../../reporters/words.js';
import { DEADLOCK_INVARIANT, HANG_INVARIANT, LIVELOCK_INVARIANT, OUTCOME_INVARIANT, OUTSIDE_INVARIANT } from '../core/grade/harness-invariants.js';

/** The mocha test that fails when an actor threw or a worker crashed. */
const ERROR_TEST = 'no actor error or worker crash';

type Kind = 'plain' | 'only' | 'skip';

/** The variants a stress.it block tests (those named, or every correct one) and the canaries it checks are caught. */
function selectVariants(suite: AnySuite, n: ReturnType<typeof normalize>): { variants: NonNullable<AnySuite['variants']>; tested: string[]; canaries: string[] } {
  const variants = suite.variants ?? { default: { description: suite.description } };
  const names = Object.keys(variants);
  for (const v of n.variants ?? []) {
    if (!names.includes(v)) throw new HarnessError('ERR_USAGE', `stress.it: suite ${suite.name} has no variant ${JSON.stringify(v)} (it has ${names.join(', ')})`);
  }
  const tested = n.variants ?? names.filter((v) => variants[v]!.canary !== true);
  const canaries = n.canaries ? names.filter((v) => variants[v]!.canary === true && !tested.includes(v)) : [];
  if (tested.length + canaries.length === 0) {
    throw new HarnessError('ERR_USAGE', `stress.it: suite ${suite.name} has only canaries; name them in variants, or pass canaries: true`);
  }
  return { variants, tested, canaries };
}

function define(kind: Kind, title: string, ref: SuiteRef, options: StressItOptions = {}): Mocha.Suite | void {
  const n = normalize(options);
  const { url, suite } = loadSuiteSync(ref);
  const { variants, tested, canaries } = selectVariants(suite, n);
  const selected = [...tested, ...canaries];
  const configs = countConfigs(selected.map((v) => variants[v]!.threads ?? suite.threads ?? [...DEFAULT_THREADS]), n);
  const limit = mochaTimeoutFor(n, configs);
  // Controlled configurations add the model's findings, each a test of its own (a free-running run has none of them).
  const controlled = n.run.schedule.some((s) => s !== 'free') && suite.controlled !== false;
  const findings = controlled ? [DEADLOCK_INVARIANT, LIVELOCK_INVARIANT, OUTSIDE_INVARIANT] : [];
  const invariants = [...Object.keys(suite.invariants), ...(suite.outcome !== undefined ? [OUTCOME_INVARIANT] : []), HANG_INVARIANT, ...findings];
  // run() takes built-in names or file paths.
  const suiteFile = fileURLToPath(url);
  const grep = `^${escape(suite.name)}/(?:${selected.map(escape).join('|')})/`;
  const advice =
    n.run.runs !== undefined && n.explicitTimeout === undefined
      ? 'a run bounded by runs has no time limit of its own: pass timeout (ms) to stress.it, lower runs, or give mocha a larger --timeout (0: none)'
      : `raise timeout or lower ${n.run.runs !== undefined ? 'runs' : 'timeBudget'}`;

  const block = function (this: Mocha.Suite): void {
    // What this block inherits is mocha's --timeout (default 2 s): a larger one, or 0, is kept.
    const timeout = blockTimeout(limit, this.timeout());
    if (timeout !== undefined) this.timeout(timeout);
    // A run takes its budget by design: only report it as slow beyond that.
    if (n.timeBudgetMs !== undefined) this.slow(n.timeBudgetMs * 1.5);
    let summary: RunSummary | undefined;

    before(`stress ${suite.name}: ${counted(configs, 'configuration')}`, async function () {
      // The hook's own timeout, whatever set it (the block above, --timeout, or mocha's default 2 s):
      // the run must stop before it, or it would go on in the background after mocha gave up on it.
      const hookTimeout = this.timeout();
      const abortAt = abortAfter(hookTimeout);
      const controller = new AbortController();
      const timer = abortAt === undefined ? undefined : setTimeout(() => controller.abort(), abortAt);
      try {
        for await (const e of run({ ...n.run, suites: [suiteFile], grep, signal: controller.signal })) {
          if (e.type === 'run-end') summary = e.summary;
        }
      } finally {
        clearTimeout(timer);
      }
      if (summary?.interrupted === true) {
        const trials = summary.configs.reduce((sum, r) => sum + r.trials, 0);
        throw failure(`stress run stopped near the mocha timeout (${hookTimeout} ms), after ${trials.toLocaleString('en-US')} trials in ${summary.configs.length} of ${configs} configurations; ${advice}`);
      }
    });

    const resultsOf = (ctx: Mocha.Context, variant: string): { configs: RunSummary['configs']; seed: SeedInfo } => {
      if (summary === undefined) throw failure('the stress run did not complete (see the "before all" hook)');
      const rs = summary.configs.filter((r) => r.config.variant === variant && r.status !== 'skipped');
      if (rs.length === 0) ctx.skip(); // e.g. every configuration asked for more cores than this machine has
      return { configs: rs, seed: { seed: summary.seed, fromOption: n.seedFromOption } };
    };
    const check = (v: Verdict): void => {
      if (!v.ok) throw failure(v.message);
    };
    const invariantTests = (variant: string): void => {
      for (const name of invariants) {
        it(name, function () {
          const { configs: rs, seed } = resultsOf(this, variant);
          check(invariantVerdict(rs, name, seed));
        });
      }
      it(ERROR_TEST, function () {
        const { configs: rs, seed } = resultsOf(this, variant);
        check(errorVerdict(rs, seed));
      });
    };

    if (tested.length === 1) invariantTests(tested[0]!);
    else for (const v of tested) describe(v, () => invariantTests(v));
    if (canaries.length > 0) {
      describe('canaries (planted bugs the run must catch)', () => {
        for (const c of canaries) {
          const bug = variants[c]!.bug;
          it(`catches ${c}${bug !== undefined ? `: ${bug}` : ''}`, function () {
            const { configs: rs, seed } = resultsOf(this, c);
            check(canaryVerdict(rs, bug, seed));
          });
        }
      });
    }
  };
  if (kind === 'only') return describe.only(title, block);
  if (kind === 'skip') return describe.skip(title, block);
  return describe(title, block);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export interface StressIt {
  /** One `describe(title)` with a test per invariant (per variant when several are tested). */
  (title: string, suite: SuiteRef, options?: StressItOptions): Mocha.Suite;
  only(title: string, suite: SuiteRef, options?: StressItOptions): Mocha.Suite;
  skip(title: string, suite: SuiteRef, options?: StressItOptions): void;
}

const stressIt = ((title: string, suite: SuiteRef, options?: StressItOptions) => define('plain', title, suite, options)) as StressIt;
stressIt.only = (title, suite, options) => define('only', title, suite, options) as Mocha.Suite;
stressIt.skip = (title, suite, options) => {
  define('skip', title, suite, options);
};

export const stress = { it: stressIt };
