#!/usr/bin/env node
/**
 * `stress`: run, list, replay. Exit codes: 0 all held; 1 an invariant failed
 * or was flaky, a correct variant hung, or a canary survived; 2 usage or
 * config error (nothing ran); 3 harness error (an actor threw, a worker
 * crashed, a canary errored in every trial, or the run could not finish); 4 nothing ran (every
 * configuration was skipped); 130 interrupted.
 */
import '@shakedown/primitives';
import { HarnessError } from '../core/shared/errors.js';
import { didYouMean } from '../core/shared/closest-name.js';
import { commandErrorExit } from './command-error.js';
import { EXIT } from '../core/grade/verdict.js';
import { userCodeTimeoutMs } from '../core/shared/deadline.js';
import { guardExitCode } from './exit-guard.js';
import { mainStallOverrideMs } from './main-thread-watchdog.js';
import { runCommand } from './run-command.js';
import { listCommand } from './list-command.js';
import { replayCommandMain } from './replay-command.js';
import { reportCommand } from './report-command.js';
import { packageVersion } from './version.js';
import { HELP, RUN_HELP, LIST_HELP, REPLAY_HELP, REPORT_HELP, MERGE_HELP } from './help.js';

/** The commands, for a "did you mean" on a misspelt one. */
const COMMANDS = ['run', 'list', 'replay', 'report', 'merge', 'help', 'version'];

/** Error codes that mean "what you asked for is wrong" (exit 2), not "the harness broke" (exit 3). */
const USAGE_CODES = new Set([
  'ERR_USAGE',
  'ERR_CONFIG',
  'ERR_SUITE_LOAD',
  'ERR_SUITE_SHAPE',
  'ERR_REPLAY_TOKEN',
  'ERR_REPORTER',
  'ERR_RESULTS_FILE',
  'ERR_MERGE',
  'ERR_IMPL_CONTRACT',
  'ERR_INVALID_ARG',
]);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const verbose = rest.includes('--verbose');
  try {
    // Checked before anything loads: a bad deadline or stall setting is a usage error, not a surprise mid-run.
    userCodeTimeoutMs();
    mainStallOverrideMs();
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(HELP);
        return command === undefined ? EXIT.USAGE : EXIT.OK;
      case '--version':
      case '-v':
      case 'version':
        process.stdout.write(`${packageVersion()}\n`);
        return EXIT.OK;
      case 'run':
        if (rest.includes('--help') || rest.includes('-h')) return write(RUN_HELP);
        return await runCommand(rest);
      case 'list':
        if (rest.includes('--help') || rest.includes('-h')) return write(LIST_HELP);
        return await listCommand(rest);
      case 'replay':
        if (rest.includes('--help') || rest.includes('-h')) return write(REPLAY_HELP);
        return await replayCommandMain(rest);
      case 'report':
        if (rest.includes('--help') || rest.includes('-h')) return write(REPORT_HELP);
        return await reportCommand(rest, 'report');
      case 'merge':
        if (rest.includes('--help') || rest.includes('-h')) return write(MERGE_HELP);
        return await reportCommand(rest, 'merge');
      default:
        throw new HarnessError('ERR_USAGE', `unknown command ${JSON.stringify(command)}${didYouMean(command, COMMANDS)}; expected run, list, replay, report or merge (see stress --help)`);
    }
  } catch (err) {
    return commandErrorExit(err, verbose, isUsageCode, (text) => void process.stderr.write(text));
  }
}

function isUsageCode(code: string): boolean {
  return USAGE_CODES.has(code) || code.startsWith('ERR_PARSE_ARGS');
}

function write(text: string): number {
  process.stdout.write(text);
  return EXIT.OK;
}

/**
 * `stress run ... | head`: once the reader has gone, writes to the pipe fail with EPIPE, which
 * Node raises as an 'error' event that would crash with a stack trace. Like `git log | head`, say
 * nothing about it. Unlike git (killed by SIGPIPE), the run goes on without its terminal output:
 * the stream is closed after the error, so later writes are dropped, while the file reporters
 * (junit, html, jsonl, json, markdown:FILE) still finish and the exit code is still the run's
 * verdict (what `set -o pipefail` sees). Any other error on the stream is not ours to hide.
 */
for (const [stream, name] of [[process.stdout, 'standard output'], [process.stderr, 'standard error']] as const) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return;
    // Any other failure (ENOSPC on a full disk, EIO) loses what the run reports there: a harness
    // error, said in one line (on the other stream when it is this one that failed), never exit 1,
    // which would read as a bug found.
    const line = `stress: cannot write to ${name} (${err.code ?? err.message}); no verdict: exit code ${EXIT.HARNESS}\n`;
    try {
      (stream === process.stderr ? process.stdout : process.stderr).write(line);
    } catch {
      // Both streams are gone: the exit code says it.
    }
    process.exit(EXIT.HARNESS);
  });
}

const argv = process.argv.slice(2);
guardExitCode(main(argv), `stress ${argv[0] ?? ''}`.trimEnd());
