/**
 * shakedown's public entry: the suite-definition API and the programmatic
 * runner. Primitives live in @shakedown/primitives.
 */
export { defineSuite } from './suite-api.js';
export type {
  SuiteDefinition,
  SuiteContext,
  SetupContext,
  ActorContext,
  ActorOutcome,
  ActorError,
  InvariantVerdict,
  VariantSpec,
  Params,
  Grade,
  OutcomeGrade,
} from './suite-api.js';
export { run } from './core/run.js';
export { replay, type ReplayOptions } from './core/replay.js';
export { type RunOptions } from './core/settings/run-options.js';
export { type RunEvent } from './core/events.js';
export { DEFAULT_TIME_BUDGET_MS, DEFAULT_TIMEOUT_MS } from './core/settings/defaults.js';
export type { ConfigResult, Configuration, RunSummary, InvariantResult, FailureSample, HangSample, ErrorSample, ConfigStatus } from './core/grade/results.js';
export { EXIT, canaryVerdicts, exitCodeFor, type CanaryVerdict } from './core/grade/verdict.js';
export { encodeReplay, decodeReplay, replayCommand, type ReplayTarget, type TokenSchedule } from './core/record/replay-token.js';
export type { ScheduleName, ScheduleSpec, ScheduleSample, InterleavingStep, ScheduleFinding, BlockedThread } from './core/schedule/types.js';
export { JITTER_PROFILES, type JitterProfile, type JitterName } from './core/execute/jitter.js';
export { HarnessError, type HarnessErrorCode } from './core/shared/errors.js';
export { wilson } from './core/grade/stats.js';
export { stoppedNote } from '../reporters/words.js';
export type { Reporter, ReporterContext, ReporterFactory, TextOut, AppendFile } from '../reporters/reporter.js';
// The built-in reporters, for a programmatic run: feed each the run's events and finish(summary),
// with reporterContext() (the CLI's: atomic files, `-` as stdout, --reporter-option pairs).
export { consoleReporter } from '../reporters/console-reporter.js';
export { jsonReporter } from '../reporters/json.js';
export { jsonlReporter } from '../reporters/jsonl.js';
export { junitReporter } from '../reporters/junit/junit-reporter.js';
export { htmlReporter } from '../reporters/html/html-reporter.js';
export { markdownReporter } from '../reporters/markdown-reporter.js';
export { cliReporterContext as reporterContext } from './cli/reporters.js';
export { type Shard, parseShard } from './core/plan/shard.js';
export type {
  ImplModule,
  ImplKind,
  CreateOptions,
  LockImpl,
  LockCapabilities,
  RLockImpl,
  SemaphoreImpl,
  SemaphoreCapabilities,
  BarrierImpl,
  BarrierCapabilities,
  EventImpl,
  EventCapabilities,
  ConditionImpl,
  ConditionCapabilities,
  QueueImpl,
  QueueCapabilities,
  TimeoutCapability,
} from './contract/types.js';
export { IMPL_KINDS } from './contract/types.js';
export {
  ThreadPoolExecutor,
  BrokenExecutorError,
  Future,
  CancelledError,
  asCompleted,
  wait,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
  type ExecutorOptions,
  type ShutdownOptions,
  type MapOptions,
  type ReturnWhen,
  type WaitResult,
  type FutureSource,
  type TargetRef,
} from './executor/index.js';
export { defineConfig, type ConfigFile as StressConfig } from './core/settings/config-file.js';
