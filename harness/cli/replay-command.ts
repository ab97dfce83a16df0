/** `stress replay TOKEN`: the flags, and what the replay prints. Preparing and running it is core/replay.ts. */
import { prepareReplay, runReplay } from '../core/replay.js';
import { parseFlags } from './options.js';
import type { Layer } from '../core/settings/resolve.js';
import type { ScheduleSpec } from '../core/schedule/types.js';
import { DEFAULT_REPLAY_UNTIL_RUNS } from '../core/settings/defaults.js';
import { HarnessError } from '../core/shared/errors.js';
import { replayReport } from '../../reporters/failure-text.js';
import { visible } from '../core/shared/control-chars.js';
import { EXIT } from '../core/grade/verdict.js';
import { stallLimitMs, startMainThreadWatchdog } from './main-thread-watchdog.js';

const REPLAY_FLAGS = {
  runs: { type: 'string' },
  'until-reproduced': { type: 'boolean' },
  trace: { type: 'boolean' },
  'trace-events': { type: 'string' },
  suite: { type: 'string' },
  impl: { type: 'string', multiple: true },
  verbose: { type: 'boolean' },
} as const;

/** The flags that are settings, as a layer for the resolve step (core/replay.ts). */
function replayFlagLayer(values: Record<string, unknown>): Layer {
  const settings: Layer['values'] = {};
  if (values.runs !== undefined) settings.runs = { raw: values.runs, name: '--runs' };
  if (values.impl !== undefined) settings.impls = { raw: values.impl, name: '--impl' };
  if (values['trace-events'] !== undefined) settings.traceEvents = { raw: values['trace-events'], name: '--trace-events' };
  return { kind: 'flag', values: settings };
}

/** Switches of a switch list the replay's first line names. */
const SWITCHES_SHOWN = 8;

/** The schedule a controlled replay runs under, for its first line, with the switch steps themselves (the reports word specs with reporters/interleaving-text.ts): `schedule pct (depth 3, steps 1-120, seed 7)`. */
function replayedScheduleText(spec: ScheduleSpec): string {
  switch (spec.kind) {
    case 'random':
      return `schedule random (seed ${spec.seed})`;
    case 'pct':
      return `schedule pct (depth ${spec.depth}, steps 1-${spec.steps}, seed ${spec.seed})`;
    case 'switches': {
      if (spec.switches.length === 0) return 'schedule switches (none: each thread runs until it blocks or ends)';
      // A recorded, unshrunk list can hold thousands: the first few say what kind of schedule it is.
      const shownSwitches = spec.switches.slice(0, SWITCHES_SHOWN).map(([step, thread]) => `step ${step} -> t${thread}`);
      const more = spec.switches.length - shownSwitches.length;
      return `schedule switches (${shownSwitches.join(', ')}${more > 0 ? `, and ${more} more` : ''})`;
    }
  }
}

export async function replayCommandMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, REPLAY_FLAGS, 'replay');
  if (positionals.length !== 1) throw new HarnessError('ERR_USAGE', 'stress replay takes exactly one token (printed after "replay:" by stress run)');
  const until = values['until-reproduced'] === true;
  const prepared = await prepareReplay({
    token: positionals[0]!,
    settings: replayFlagLayer(values),
    untilReproduced: until,
    ...(values.suite !== undefined ? { suite: values.suite as string } : {}),
  });
  const { target, work, runs } = prepared;
  const { config } = work;
  // Suite text (names, details, messages) is the suite author's: shown, never sent to the terminal raw.
  // A configuration stress run would skip here cannot be replayed here either: say so, not "not reproduced".
  const cannot = work.skip;
  if (cannot !== undefined) {
    process.stdout.write(`cannot replay ${visible(config.key)} here: ${visible(cannot)} (stress run skips this configuration too); nothing was tested\n`);
    return EXIT.NOTHING_RAN;
  }
  const schedule = target.scheduleSpec !== undefined ? `, ${replayedScheduleText(target.scheduleSpec)}` : '';
  process.stdout.write(`replaying ${visible(config.key)}, seed ${visible(target.seed)}, trial ${target.trial}${schedule}, ${until ? `until reproduced (at most ${runs} times)` : `${runs} times`}\n`);
  const stopWatchdog = startMainThreadWatchdog(stallLimitMs(prepared.run.timeoutMs));
  let result;
  try {
    result = await runReplay(prepared);
  } finally {
    stopWatchdog();
  }
  process.stdout.write(replayReport(result, { until, trace: values.trace === true, untilCap: DEFAULT_REPLAY_UNTIL_RUNS }));
  return result.failedTrials > 0 || result.errors.count > 0 ? 1 : 0;
}
