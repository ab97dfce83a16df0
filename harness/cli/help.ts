import { EXIT } from '../core/grade/verdict.js';
import { IMPL_KINDS } from '../contract/types.js';

export const HELP = `stress: find races, lost wakeups and deadlocks in SharedArrayBuffer + Atomics code

Usage:
  stress run [suites|files...] [flags]   run suites across the configuration matrix
  stress list [suites|files...]          list suites, variants and configurations
  stress replay <token> [--runs N]       rerun one failing trial's seed N times (or --until-reproduced)
  stress report FILE.jsonl [--reporter]  render a results file with any reporter
  stress merge A.jsonl B.jsonl ...       combine the results files of all shards
  stress <command> --help                flags of a command
  stress --version                       the version of shakedown

Exit codes: 0 all held; 1 invariant failed/flaky, correct variant hung, or canary
survived; 2 usage or config error; 3 harness error, or the run could not finish;
4 every configuration was skipped (nothing tested); 130 interrupted; 137 killed by
the main-thread watchdog (suite code on the main thread never returned).
`;

/** Where a flag's description starts, and the width it is wrapped to. */
const FLAG_COLUMN = 25;
const HELP_WIDTH = 84;

/** A flag and its description, wrapped at HELP_WIDTH with the continuation lines under the description. */
function flagHelp(flag: string, text: string): string {
  const lines: string[] = [];
  let line = `  ${flag}`.padEnd(FLAG_COLUMN);
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = ' '.repeat(FLAG_COLUMN) + word;
    } else line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return `${lines.join('\n')}\n`;
}

const IMPL_FLAG_HELP = flagHelp(
  '--impl kind=./x.js',
  `validate your primitive: run the conformance suites of that kind (${IMPL_KINDS.join(', ')}) against your module (repeatable; docs/contracts.md)`,
);

const REPORTER_HELP = `  --reporter R           where results go (repeatable); default: console
                           console             lines per configuration and a summary
                           junit:FILE          JUnit XML (one testcase per configuration x invariant)
                           jsonl:FILE          JSON lines, appended as each configuration ends
                           html:FILE           self-contained HTML report
                           markdown[:FILE]     Markdown summary (terminal if no FILE)
                           json:FILE           the summary as one JSON document
                           ./my-reporter.js[:TARGET]  your own (default export: (target, ctx) => reporter)
                         FILE "-" is standard output for json, jsonl and markdown (one writer of
                         stdout at a time; the closing line then goes to stderr)
                         $GITHUB_STEP_SUMMARY set: a Markdown summary is also appended there
  --junit-flaky MODE     flaky invariants in JUnit as: failure (default), surefire
                         (<flakyFailure>, the test passes), repeat (the testcase twice: failed, passed);
                         the last two make some consumers show a race as a pass (a warning says which);
                         without a junit reporter it has no effect (a warning says so)
  --reporter-option k=v  an option for reporters (repeatable; custom reporters read ctx.options)
`;

export const RUN_HELP = `stress run [suites|files...] [flags]

Runs each suite (built-in names: counter, producer-consumer, barrier-start,
deadlock, executor, conformance/<kind> or "conformance" for all seven; or paths to
compiled suite .js files) on every configuration of
threads x schedule (free-running: x cores x jitter), and grades every invariant.
Default: the five core suites (counter, producer-consumer, barrier-start,
deadlock, executor), their default thread counts, schedule free,ctl, cores "all", jitter
none,spin-1us, a 60 s time budget.

Flags (each once: a flag given twice is a usage error; lists take commas, and
--reporter, --reporter-option, --param and --impl repeat):
  --threads 2,4,8        thread counts (1-256); default: each suite's own
  --cores 1,all          confine each trial group to N cores (taskset), or all
  --jobs auto            trial groups side by side, each on cores of its own (default auto:
                         as many as fit; 1: one at a time; at most the CPUs this process may
                         use). A group takes its thread count of cores (its --cores if set,
                         1 for a controlled one), never fewer than 2 (its own process's main
                         thread sets up and grades its trials) unless its suite sets
                         trialsInWorkers; a configuration runs as several groups on disjoint
                         trial ranges when more fit, merged into one result. Same seeds,
                         tokens and reports as --jobs 1. Above the CPUs: a usage error for
                         the flag; a config file's jobs is clamped to them, with a warning
  --jitter none,spin-1us jitter profiles: none, spin-1us, spin-10us, spin-50us, sleep-1ms
  --schedule free,ctl    free: free-running stress; ctl (a portfolio: random walk, PCT 2 and 3),
                         random, pct:D (D 1-10): controlled scheduling, one thread at a time,
                         each failure with its exact schedule. Default: free,ctl. A controlled
                         one is planned once per suite, variant and threads, at cores all and
                         jitter none; its key ends in /s-ctl, /s-random, /s-pct3. A suite
                         with controlled: false runs free only
  --runs N               trials per configuration (instead of a time budget)
  --time-budget 30s      testing time for the whole matrix (default 60s): each
                         configuration gets at least budget / configurations from when
                         its trials start; start-up and hangs come on top. Durations
                         need a unit: ms, s, m, h
  --duration 8h          soak: repeat passes over the matrix (each one --time-budget long)
                         until the time is up; totals per configuration, bounded samples,
                         json, jsonl, junit and html reports rewritten (atomically)
                         after every pass
  --seed S               master seed (also STRESS_SEED); same seed, same jitter decisions
  --timeout 1s           per-trial hang timeout (default 1s, at most 24h)
  --fail-fast            stop after the first failing correct configuration
  --max-failures N       per configuration, stop once N trials have failed
  --grep RE              only configurations whose key matches RE
  --param name=value     override a suite parameter (repeatable; one the suites do not declare is a usage error)
${IMPL_FLAG_HELP}  --trace-events N       primitive events kept per thread per failing trial: the last N (default 48)
  --json FILE            also write the summary as JSON to FILE (atomically; "-": stdout, console off)
  --config FILE          settings file (default: stress.config.{json,mjs,js} here or in the
                         nearest directory above, up to the project's package.json); paths in
                         it (suites, impl, reporters) are relative to the file
  --shard i/n            run only shard i of n: every n-th configuration of the plan
                         (with more shards than configurations: a slice of each
                         configuration's trials), same seeds; merge the shards'
                         jsonl files with stress merge
${REPORTER_HELP}  --verbose              full stacks on errors

Sharding with --time-budget: each shard spends the whole budget on its own
configurations. A shard's exit code judges its correct variants only (1: one
failed, was flaky or hung); canaries are judged by stress merge, whose verdict
covers the whole run (a canary may be caught in another shard).

Exit codes:
  ${EXIT.OK}    every invariant held and every canary was caught
  ${EXIT.FAILED}    an invariant failed or was flaky, a correct variant hung, or a canary survived
  ${EXIT.USAGE}    usage or config error: bad flag, unknown suite, malformed suite or config, or a
       suite, config or --impl module still loading after 30 s (STRESS_USER_CODE_TIMEOUT_MS, in
       ms up to 2147483647, sets the limit) (nothing ran)
  ${EXIT.HARNESS}    harness error: an actor threw or a worker crashed (in a correct variant, or in
       every trial of a canary), or a reporter failed; or the run could not finish (a promise
       it awaited never settled, or suite code called process.exit): stderr says what
  ${EXIT.NOTHING_RAN}    nothing was tested: every configuration was skipped (too few cores, no CPU
       affinity, fewer threads than the suite needs)
  ${EXIT.INTERRUPTED}  interrupted (SIGINT/SIGTERM): what completed was reported
  137  killed by the main-thread watchdog: suite code on the main thread (setup, an invariant,
       outcome) did not return for 60 s or 10 trial timeouts (stderr says so; signals cannot
       reach such a thread)
`;

export const LIST_HELP = `stress list [suites|files...] [--threads ...] [--cores ...] [--jitter ...] [--schedule ...] [--grep RE]

Prints each suite, its variants (canaries marked) and the configuration keys a
run with the same flags would execute.
`;

export const REPLAY_HELP = `stress replay <token> [--runs N] [--until-reproduced] [--trace] [--trace-events N] [--suite FILE] [--impl kind=FILE]

Reruns the configuration and trial seed encoded in a replay token (printed
after every failure) N times (default 100) and reports how often the failure
reproduces. The seed fixes the jitter draws, not the scheduler: a
timing-dependent failure reproduces with a rate, not always. The token of a
controlled trial (--schedule ctl, random, pct:D) also carries its schedule, and
replay runs every trial under that schedule.

  --runs N              how many times (default 100; with --until-reproduced, the cap: default 100000)
  --until-reproduced    stop once it has reproduced (at the end of that batch of runs)
  --trace               print the trace of the first reproduction
  --trace-events N      events kept per thread (default: the run's --trace-events, from the token)
  --suite FILE          the suite module to load instead of the token's (or a built-in name)
  --impl kind=FILE      the implementation for a conformance suite instead of the token's

Suite modules in the token are relative to shakedown's package (built-in suites)
or to the directory the run started in (your suites): replay from the same
directory, in any checkout of the project.

A token is text from a log: it loads only shakedown's built-in suites or files
under the current directory (symlinks and .. resolved). Any other module
(another directory, data:, http:, node: URLs) is refused; name it yourself with
--suite or --impl. Every field of the token is checked (threads 1-256, a known
variant and jitter profile, ...).

Exit code: 1 if it reproduced (or a trial errored), 0 if not, 2 for a bad or
refused token (ERR_REPLAY_TOKEN) or a bad flag.
`;

export const REPORT_HELP = `stress report FILE.jsonl [--reporter R ...] [--junit-flaky MODE]

Renders a results file written by \`stress run --reporter jsonl:FILE\` with any
reporter (default: console). A run that was killed still reports every
configuration it finished. Exit code: the verdict of the results (as stress run).

${REPORTER_HELP}`;

export const MERGE_HELP = `stress merge A.jsonl B.jsonl ... [--reporter R ...] [--junit-flaky MODE]

Combines the results files of the shards of one run (stress run --shard i/n
--reporter jsonl:FILE) into one report, as if the run had not been sharded.
The files must share the seed, the plan and the trial settings, be disjoint,
and cover every shard: a missing shard is an error naming it (exit 2).
Exit code: the verdict of the whole run, canaries judged across all shards.

${REPORTER_HELP}`;
