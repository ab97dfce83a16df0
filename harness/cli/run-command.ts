import { HarnessError } from '../core/shared/errors.js';
import { run } from '../core/run.js';
import { stallLimitMs, startMainThreadWatchdog } from './main-thread-watchdog.js';
import { runOptionsFrom } from './options.js';
import type { RunSummary } from '../core/grade/results.js';
import { formatSummary } from '../../reporters/console.js';
import { thrownMessage } from '../core/shared/errors.js';
import { EXIT } from '../core/grade/verdict.js';
import type { ReporterSpec } from './reporter-spec.js';
import type { InputFile } from './report-paths.js';
import { BUILTIN_SUITES_DIR } from '../core/plan/builtin-suites.js';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STDOUT, cliReporterContext, createReporters, dispatch, finishAll, writesStdout } from './reporters.js';

/** Signals closer together than this are one interrupt (see onSignal). */
const SAME_INTERRUPT_MS = 1000;

export async function runCommand(argv: string[]): Promise<number> {
  const { options, jsonPath, reporters: settings, warnings, configPath } = await runOptionsFrom(argv);
  for (const w of [...warnings, ...settings.warnings]) process.stderr.write(`stress: warning: ${w}
`);
  // --json FILE is kept as a shorthand for --reporter json:FILE; it does not silence the default console.
  // (`--json -` alone is the JSON on standard output: then the console stays off it.)
  const specs: ReporterSpec[] = settings.specs.length > 0 ? [...settings.specs] : jsonPath === STDOUT ? [] : [{ kind: 'builtin', name: 'console' }];
  if (jsonPath !== undefined) specs.push({ kind: 'builtin', name: 'json', target: jsonPath, flag: '--json' });
  // A soak rewrites its reports after every pass: a stream on standard output cannot be rewritten.
  if (options.durationMs !== undefined && specs.some((s) => s.target === STDOUT)) {
    throw new HarnessError('ERR_USAGE', '--duration (a soak) rewrites its reports after every pass: give json and jsonl a file, not "-"');
  }
  // Reporters (custom modules included) load, and report paths are checked, before any trial runs:
  // a bad one is a usage error, not a lost run.
  const reporters = await createReporters(specs, cliReporterContext(settings.options), runInputs(options, specs, configPath));
  const controller = new AbortController();
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    const now = performance.now();
    // A second signal within a second is the same interrupt delivered twice (to the process and to
    // its process group, as `timeout -s INT` does), not a person asking to quit now.
    if (firstSignalAt !== undefined && now - firstSignalAt < SAME_INTERRUPT_MS) return;
    if (firstSignalAt !== undefined) process.exit(130); // second Ctrl-C: leave at once
    firstSignalAt = now;
    process.stderr.write(`\nstress: ${signal}: stopping the trials in flight (within 2 s), then reporting what completed as interrupted (again to quit now)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A promise that suite or reporter code let reject with no handler (one the harness never saw)
  // would otherwise end the process with a raw stack and no reports. It is said on stderr, the run
  // goes on, and a run that would have passed is a harness error: something failed unobserved.
  let stray = 0;
  const onStrayRejection = (reason: unknown): void => {
    stray++;
    process.stderr.write(`stress: a promise rejected with no handler (in suite or reporter code?): ${thrownMessage(reason)}\n`);
  };
  process.on('unhandledRejection', onStrayRejection);
  const stopWatchdog = startMainThreadWatchdog(stallLimitMs(options.timeoutMs));
  let summary: RunSummary | undefined;
  // The handlers stay until the reports are written: a second Ctrl-C while a reporter is slow or stuck must still exit 130.
  try {
    for await (const event of run({ ...options, signal: controller.signal })) {
      await dispatch(reporters, event);
      // The run's own summary: reporters were handed copies, so nothing they did can change the exit code.
      if (event.type === 'run-end') summary = event.summary;
    }
    if (summary === undefined) return 3;
    await finishAll(reporters, summary);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('unhandledRejection', onStrayRejection);
    stopWatchdog();
  }
  // Without the console reporter a run would end in silence: say how it ended, in one line.
  // The closing line: on stderr when a reporter's stream is on stdout (`json:-`), so that stream stays pure.
  if (!specs.some((s) => s.kind === 'builtin' && s.name === 'console')) (specs.some(writesStdout) ? process.stderr : process.stdout).write(`${formatSummary(summary).split('\n').pop()!}\n`);
  if (stray > 0 && summary.exitCode === EXIT.OK) {
    process.stderr.write(`stress: ${stray} unhandled promise rejection${stray > 1 ? 's' : ''} during the run: exit code ${EXIT.HARNESS}, not ${EXIT.OK}\n`);
    return EXIT.HARNESS;
  }
  return summary.exitCode;
}

/** The files a run reads and a report must never replace: suite and implementation modules given as paths, reporter modules, the config file. */
function runInputs(options: { suites?: string[]; impls?: Record<string, string> }, specs: readonly ReporterSpec[], configPath: string | undefined): InputFile[] {
  const files = (what: string, paths: readonly string[]): InputFile[] => paths.filter((path) => isFile(path)).map((path) => ({ what, path }));
  return [
    ...files('the suite module', options.suites ?? []),
    // Implementations are module URLs (file:...): as paths, they name the file they load.
    ...files('the implementation module', Object.values(options.impls ?? {}).map((url) => (url.startsWith('file:') ? fileURLToPath(url) : url))),
    ...files('the reporter module', specs.flatMap((s) => (s.kind === 'module' ? [s.path] : []))),
    ...(configPath !== undefined ? [{ what: 'the config file', path: configPath }] : []),
    // A built-in suite named by name is a module there too (in node_modules/shakedown for a user).
    { what: "shakedown's suites directory", path: fileURLToPath(BUILTIN_SUITES_DIR), directory: true },
  ];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
