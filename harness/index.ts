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
export { run, runOne, type RunOptions, type RunEvent, DEFAULT_TIME_BUDGET_MS, DEFAULT_TIMEOUT_MS } from './run.js';
export type { ConfigResult, Configuration, RunSummary, InvariantResult, FailureSample, HangSample, ErrorSample, ConfigStatus } from './results.js';
export { EXIT, canaryVerdicts, exitCodeFor, type CanaryVerdict } from './verdict.js';
export { encodeReplay, decodeReplay, replayCommand } from './replay-token.js';
export { JITTER_PROFILES, type JitterProfile } from './jitter.js';
export { HarnessError, type HarnessErrorCode } from './errors.js';
export { wilson, stoppedNote } from './stats.js';
export type { Reporter, ReporterContext, ReporterFactory, TextOut, AppendFile } from '../reporters/reporter.js';
export { type Shard, parseShard } from './shard.js';
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
  EventImpl,
  ConditionImpl,
  QueueImpl,
} from './contract/types.js';
export { IMPL_KINDS } from './contract/types.js';
