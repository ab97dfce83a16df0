export const HELP = `stress: find races, lost wakeups and deadlocks in SharedArrayBuffer + Atomics code

Usage:
  stress run [suites|files...] [flags]   run suites across the configuration matrix
  stress list [suites|files...]          list suites, variants and configurations
  stress replay <token> [--runs N]       rerun one failing trial's seed N times
  stress <command> --help                flags of a command

Exit codes: 0 all held; 1 invariant failed/flaky, correct variant hung, or canary
survived; 2 usage or config error; 3 harness error; 130 interrupted.
`;

export const RUN_HELP = `stress run [suites|files...] [flags]

Runs each suite (built-in names: counter, producer-consumer, barrier-start,
deadlock, conformance/<kind> or "conformance" for all seven; or paths to
compiled suite .js files) on every configuration of
threads x cores x jitter, and grades every invariant. Default: all built-in
suites, their default thread counts, cores "all", jitter none,spin-1us,
a 60 s time budget.

Flags:
  --threads 2,4,8        thread counts (1-256); default: each suite's own
  --cores 1,all          confine each trial group to N cores (taskset), or all
  --jitter none,spin-1us jitter profiles: none, spin-1us, spin-10us, spin-50us, sleep-1ms
  --runs N               trials per configuration (instead of a time budget)
  --time-budget 30s      wall time for the whole matrix (default 60s)
  --seed S               master seed (also STRESS_SEED); same seed, same jitter decisions
  --timeout 1s           per-trial hang timeout (default 1s)
  --fail-fast            stop after the first failing correct configuration
  --grep RE              only configurations whose key matches RE
  --param name=value     override a suite parameter (repeatable)
  --impl kind=./x.js     validate your primitive: run the conformance suites of that
                         kind (lock, rlock, semaphore, barrier, event, condition,
                         queue) against your module (repeatable; docs/contracts.md)
  --trace-events N       primitive events kept per thread per failing trial (default 48)
  --json FILE            also write the summary as JSON to FILE (atomically)
  --config FILE          settings file (default: ./stress.config.{json,mjs,js} if present)
  --verbose              full stacks on errors
`;

export const LIST_HELP = `stress list [suites|files...] [--threads ...] [--cores ...] [--jitter ...] [--grep RE]

Prints each suite, its variants (canaries marked) and the configuration keys a
run with the same flags would execute.
`;

export const REPLAY_HELP = `stress replay <token> [--runs N] [--trace]

Reruns the configuration and trial seed encoded in a replay token (printed
after every failure) N times (default 100) and reports how often the failure
reproduces. Timing-dependent failures reproduce with a rate, not always.
`;
