/**
 * createLogger: levels and their threshold, printf-style arguments by util.format's rules, the
 * logger's name and level in the default line, a custom format, bad options refused with a code,
 * and writeLine(): lines written by several workers at once never split into one another.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ShakedownError, createLogger } from '@shakedown/primitives';

const TIME = '\\d\\d:\\d\\d:\\d\\d\\.\\d{6}';

function collect(options: Parameters<typeof createLogger>[0] & object = {}): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ ...options, sink: (l) => lines.push(l) }), lines };
}

describe('createLogger', function () {
  this.timeout(30000);

  it('formats printf-style by util.format rules (%s %d %j %%, extra arguments appended)', () => {
    const { log, lines } = collect();
    log('storing %s (size=%d)', 42, 3);
    log('%j and %% and', { a: [1] }, 'extra', 7);
    log('100% done');
    assert.match(lines[0]!, new RegExp(`^${TIME} \\[main\\] storing 42 \\(size=3\\)$`));
    assert.match(lines[1]!, /\] \{"a":\[1\]\} and % and extra 7$/);
    assert.match(lines[2]!, /\] 100% done$/);
  });

  it('emits the calls at its level and above; the level can change later; isEnabledFor says so', () => {
    const { log, lines } = collect({ level: 'warning' });
    log.debug('d');
    log.info('i');
    log('plain call is info');
    log.warning('w');
    log.error('e');
    log.critical('c');
    assert.deepEqual(lines.map((l) => l.replace(/^\S+ \[main\] /, '')), ['WARNING w', 'ERROR e', 'CRITICAL c']);
    assert.deepEqual([log.isEnabledFor('info'), log.isEnabledFor('error')], [false, true]);
    log.level = 'debug';
    log.debug('now shown');
    assert.equal(lines.at(-1)!.replace(/^\S+ \[main\] /, ''), 'DEBUG now shown');
    assert.equal(log.level, 'debug');
  });

  it("puts the logger's name before the message, and the level unless info; a format places each field", () => {
    const named = collect({ name: 'net' });
    named.log('connected');
    named.log.warning('slow: %d ms', 250);
    assert.match(named.lines[0]!, new RegExp(`^${TIME} \\[main\\] net: connected$`));
    assert.match(named.lines[1]!, new RegExp(`^${TIME} \\[main\\] WARNING net: slow: 250 ms$`));
    const custom = collect({ name: 'db', format: '{level}:{name}:{message} ({thread})' });
    custom.log.error('lost %s', 'row');
    assert.equal(custom.lines[0], 'ERROR:db:lost row (main)');
  });

  it('gives a literal brace for {{ and }} in a format, so a line can show {word} without it being a field', () => {
    const braces = collect({ format: '{{level}}={level} {{{message}}} {{x}} }}{{' });
    braces.log.warning('m');
    assert.equal(braces.lines[0], '{level}=WARNING {m} {x} }{');
    // An unknown name is still refused; escaped, it is text.
    assert.throws(() => createLogger({ format: '{x}', sink: () => {} }), /placeholders among/);
    assert.doesNotThrow(() => createLogger({ format: '{{x}}', sink: () => {} }));
  });

  it('refuses bad options with ERR_INVALID_ARG, naming what was expected', () => {
    const bad = (o: unknown, re: RegExp): void =>
      assert.throws(() => createLogger(o as object), (e: unknown) => e instanceof ShakedownError && e.code === 'ERR_INVALID_ARG' && re.test(e.message));
    bad({ level: 'verbose' }, /level must be one of debug, info, warning, error, critical, got "verbose"/);
    bad({ format: '{time} {msg}' }, /placeholders among \{time\} \{thread\} \{name\} \{level\} \{message\}, got "\{msg\} in/);
    bad({ name: 7 }, /name must be a string/);
    bad({ sink: 'stdout' }, /sink must be a function/);
    bad(null, /an options object or a sink function/);
    const { log } = collect();
    assert.throws(() => {
      log.level = 'loud' as 'info';
    }, /logger\.level must be one of/);
  });

  it('writeLine(): four workers writing 2,000 lines each to one pipe at once, no line split by another', () => {
    // A child process, so that the workers' writes go to a pipe this test reads whole.
    const script = fileURLToPath(new URL('./fixtures/write-lines-main.js', import.meta.url));
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20000, maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 4 * 2000);
    for (const line of lines) assert.match(line, /^writer-([a-d]) (\1{3000})$/, `a torn line: ${line.slice(0, 80)}...`);
  });
});
