/**
 * A thread-named logger in the spirit of Python's `logging`: levels, a logger name, printf-style
 * arguments (Node's util.format rules: %s %d %i %f %j %o %O %%, extra arguments appended), and each
 * line prefixed with the wall-clock time to the microsecond and the calling thread's name, so that
 * lines from different threads interleave readably: `12:03:04.123456 [producer-1] put 7`.
 *
 * One line, one sink call: the default sink is one console.log per line (from a worker, Node
 * forwards each call whole to the main thread's stdout), and writeLine(fd) makes one write(2) per
 * line (a write of up to PIPE_BUF, 4,096 bytes, to a pipe is atomic: a line of up to 4,095 bytes plus
 * its newline; to a file opened for appending, each
 * write lands whole at the end). Neither ever splits a line between threads.
 */
import { writeSync } from 'node:fs';
import { format } from 'node:util';
import { invalidArg } from './errors.js';
import { currentThread } from './threads.js';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';

/** Python's numeric levels: a logger emits the calls at its level and above. */
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 };

/** The placeholders a format may use. */
const FIELDS = ['time', 'thread', 'name', 'level', 'message'] as const;
/** `{field}`, or `{{` / `}}` for a literal brace (as Python's str.format), matched left to right so `{{time}}` is the text `{time}`. */
const PLACEHOLDER = /\{\{|\}\}|\{(\w+)\}/g;

export interface LoggerOptions {
  /** Shown before the message (`net: connected`), as Python's %(name)s. */
  name?: string;
  /** The least level emitted (default `debug`: everything). Changeable later through `logger.level`. */
  level?: LogLevel;
  /**
   * The line, with `{time}`, `{thread}`, `{name}`, `{level}` (upper case, as Python's levelname) and
   * `{message}`; `{{` and `}}` give a literal brace. Default: `{time} [{thread}] {message}`, with `LEVEL ` before the message when the
   * level is not info and `name: ` when the logger has a name (`12:03:04.123456 [main] WARNING net: slow`).
   */
  format?: string;
  /** Where each finished line goes, one call per line (default: console.log). */
  sink?: (line: string) => void;
}

export interface Logger {
  /** Logs at info: `log('storing %s (size=%d)', key, size)`. */
  (...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warning(...args: unknown[]): void;
  error(...args: unknown[]): void;
  critical(...args: unknown[]): void;
  /** Whether a call at `level` would be emitted now. */
  isEnabledFor(level: LogLevel): boolean;
  readonly name: string;
  /** The least level emitted. */
  level: LogLevel;
}

/**
 * A logger. `createLogger()` logs everything through console.log; `createLogger(sink)` (the older
 * form) sends each line to `sink`; `createLogger({ name, level, format, sink })` as described there.
 */
export function createLogger(options: LoggerOptions | ((line: string) => void) = {}): Logger {
  const o = typeof options === 'function' ? { sink: options } : checkOptions(options);
  const sink = o.sink ?? ((line: string): void => console.log(line));
  const name = o.name ?? '';
  let least = LEVELS[o.level ?? 'debug'];
  let levelName: LogLevel = o.level ?? 'debug';
  const emit = (level: LogLevel, args: unknown[]): void => {
    if (LEVELS[level] < least) return;
    const fields = {
      time: timestamp(),
      // Through currentThread(), which registers the thread first: a thread's name lives in its
      // registry slot, so a thread that logs before using any primitive would otherwise be printed
      // as `worker-<id>` instead of the name startThread gave it.
      thread: currentThread().name,
      name,
      level: level.toUpperCase(),
      message: format(...args),
    };
    sink(o.format === undefined ? defaultLine(fields, level) : o.format.replace(PLACEHOLDER, (whole, key: string | undefined) => (key === undefined ? whole[0]! : fields[key as (typeof FIELDS)[number]])));
  };
  const logger = ((...args: unknown[]): void => emit('info', args)) as Logger;
  for (const level of Object.keys(LEVELS) as LogLevel[]) {
    Object.defineProperty(logger, level, { value: (...args: unknown[]): void => emit(level, args) });
  }
  Object.defineProperty(logger, 'isEnabledFor', { value: (level: LogLevel): boolean => LEVELS[checkLevel(level, 'isEnabledFor(level)')] >= least });
  Object.defineProperty(logger, 'name', { value: name, enumerable: true });
  Object.defineProperty(logger, 'level', {
    enumerable: true,
    get: (): LogLevel => levelName,
    set: (level: unknown): void => {
      levelName = checkLevel(level, 'logger.level');
      least = LEVELS[levelName];
    },
  });
  return logger;
}

/** A pause while a full pipe drains (a word nobody writes: Atomics.wait is a plain sleep). */
const drainWait = new Int32Array(new SharedArrayBuffer(4));
const DRAIN_PAUSE_MS = 1;

/**
 * A sink that writes each line to file descriptor `fd` (default 1, stdout) in one write(2), so
 * that a line of up to 4,095 bytes (4,096 with its newline: PIPE_BUF) is never split by another thread's. When the pipe is
 * full (EAGAIN: Node makes stdout pipes non-blocking) it waits for it to drain and writes again; a
 * longer line may be written in pieces.
 */
export function writeLine(fd = 1): (line: string) => void {
  return (line) => {
    const bytes = Buffer.from(`${line}\n`);
    let at = 0;
    while (at < bytes.length) {
      try {
        at += writeSync(fd, bytes, at, bytes.length - at);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        Atomics.wait(drainWait, 0, 0, DRAIN_PAUSE_MS);
      }
    }
  };
}

function defaultLine(f: Record<(typeof FIELDS)[number], string>, level: LogLevel): string {
  const levelPart = level === 'info' ? '' : `${f.level} `;
  const namePart = f.name === '' ? '' : `${f.name}: `;
  return `${f.time} [${f.thread}] ${levelPart}${namePart}${f.message}`;
}

function checkLevel(level: unknown, what: string): LogLevel {
  if (typeof level !== 'string' || !Object.hasOwn(LEVELS, level)) throw invalidArg(what, `one of ${Object.keys(LEVELS).join(', ')}`, level);
  return level as LogLevel;
}

function checkOptions(o: LoggerOptions): LoggerOptions {
  if (typeof o !== 'object' || o === null) throw invalidArg('createLogger(options)', 'an options object or a sink function', o);
  if (o.name !== undefined && typeof o.name !== 'string') throw invalidArg('createLogger name', 'a string', o.name);
  if (o.level !== undefined) checkLevel(o.level, 'createLogger level');
  if (o.sink !== undefined && typeof o.sink !== 'function') throw invalidArg('createLogger sink', 'a function (line: string) => void', o.sink);
  if (o.format !== undefined) {
    if (typeof o.format !== 'string') throw invalidArg('createLogger format', 'a string with {time} {thread} {name} {level} {message}', o.format);
    for (const [, key] of o.format.matchAll(PLACEHOLDER)) {
      if (key !== undefined && !(FIELDS as readonly string[]).includes(key)) throw invalidArg('createLogger format', `placeholders among {${FIELDS.join('} {')}}`, `{${key}} in ${JSON.stringify(o.format)}`);
    }
  }
  return o;
}

function timestamp(): string {
  const epochMs = performance.timeOrigin + performance.now();
  const d = new Date(Math.floor(epochMs));
  const micros = Math.floor((epochMs % 1000) * 1000);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  const ss = String(d.getSeconds()).padStart(2, '0');
  return `${hh}:${mm}:${ss}.${String(micros).padStart(6, '0')}`;
}
