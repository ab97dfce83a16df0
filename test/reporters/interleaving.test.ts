/**
 * A controlled failure's interleaving: the text (numbered steps, a column per thread, preemptions
 * marked), the trimming rule, and the same steps in every output (console, JUnit, Markdown, HTML,
 * mocha, stress replay), with suite text shown safely.
 */
import assert from 'node:assert/strict';
import type { InterleavingStep, ScheduleSample } from '../../harness/core/schedule/types.js';
import {
  type Elided,
  type InterleavingEntry,
  interleavingEntries,
  interleavingLines,
  isElided,
  scheduleSpecText,
  trimInterleaving,
} from '../../reporters/interleaving-text.js';
import { describeFailure, formatConfigLine, formatSummary } from '../../reporters/console.js';
import { invariantFinding } from '../../reporters/findings.js';
import { replayReport } from '../../reporters/failure-text.js';
import { markdownSummary } from '../../reporters/markdown.js';
import { renderHtml } from '../../reporters/html/render.js';
import { junitReporter } from '../../reporters/junit/junit-reporter.js';
import { invariantVerdict } from '../../harness/mocha/verdicts.js';
import type { RunSummary } from '../../harness/core/grade/results.js';
import { memoryContext } from './fixtures/memory-context.js';
import { checkThenSetSample, controlledSummary, longSample, longSteps } from './fixtures/schedules.js';

const deepFreeze = <T>(v: T): T => {
  if (typeof v === 'object' && v !== null) {
    Object.values(v).forEach(deepFreeze);
    Object.freeze(v);
  }
  return v;
};

/** Kept step numbers, and each elision as [from, to, count, threads, labels]. */
const shape = (entries: InterleavingEntry[]): { kept: number[]; elided: Array<[number, number, number, number[], string[]]> } => ({
  kept: entries.filter((e): e is InterleavingStep => !isElided(e)).map((s) => s.step),
  elided: entries.filter(isElided).map((e) => [e.from, e.to, e.elided, e.threads, e.labels]),
});

/** A control character other than the newline (C0, DEL, C1): what visible() must leave none of. */
const hasControl = (s: string): boolean => [...s].some((c) => {
  const n = c.codePointAt(0)!;
  return (n < 0x20 && n !== 0x0a) || (n >= 0x7f && n <= 0x9f);
});

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The step and elision lines of a schedule (its header aside), as every output must contain them. */
const stepLines = (s: ScheduleSample): string[] => interleavingLines(s).slice(1);

async function junitXml(summary: RunSummary): Promise<string> {
  const ctx = memoryContext();
  const r = junitReporter('out/stress.xml', ctx);
  await r.onEvent?.({ type: 'run-start', seed: summary.seed, configs: summary.configs.map((c) => c.config), plan: summary.configs.map((c) => c.config.key), settings: { timeoutMs: 1000, traceEvents: 48, runs: 100 }, startedAt: summary.startedAt });
  await r.finish?.(summary);
  return ctx.files.get('out/stress.xml')!;
}

describe('reporters/interleaving-text', () => {
  it('prints the design\'s check-then-set schedule as numbered steps, a column per thread, preemptions marked', () => {
    assert.deepEqual(interleavingLines(checkThenSetSample()), [
      'interleaving under random walk, seed 123: 16 steps (h=3fa9c2e1)',
      '  # 1 t0 acquire() load   lock[0]  -> 0',
      '  # 2 t0 acquire() store  lock[0]  <- 1',
      '  # 3 t0 enter()   add    board[0] -> 0',
      '  # 4                                    t1 acquire() load   lock[0]  -> 1  (preempts t0)',
      '  # 5                                    t1 acquire() wait   lock[0]  -> 1',
      '  # 6 t0 exit()    sub    board[0] -> 1',
      '  # 7 t0 release() store  lock[0]  <- 0',
      '  # 8 t0 release() notify lock[0]  -> 1',
      '  # 9                                    t1 acquire() load   lock[0]  -> 0  (preempts t0)',
      '  #10 t0 acquire() load   lock[0]  -> 0  (preempts t1)',
      '  #11 t0 acquire() store  lock[0]  <- 1',
      '  #12 t0 enter()   add    board[0] -> 0',
      '  #13                                    t1 acquire() store  lock[0]  <- 1  (preempts t0)',
      '  #14                                    t1 enter()   add    board[0] -> 1',
      '  #15                                    t1 enter()   add    board[1] -> 0',
      '  #16                                    t1 exit()    sub    board[0] -> 2',
    ]);
  });

  it('names the schedule: random walk, PCT, forced switches (counted), and a strategy it does not know', () => {
    assert.equal(scheduleSpecText({ kind: 'random', seed: 123 }), 'random walk, seed 123');
    assert.equal(scheduleSpecText({ kind: 'pct', seed: 9, depth: 3, steps: 120 }), 'PCT depth 3 over 120 steps, seed 9');
    assert.equal(scheduleSpecText({ kind: 'switches', switches: [[6, 1], [16, 1], [17, 0]] }), '3 forced switches');
    assert.equal(scheduleSpecText({ kind: 'switches', switches: [[6, 1]] }), '1 forced switch');
    assert.equal(scheduleSpecText({ kind: 'switches', switches: [] }), 'no forced switch (non-preemptive)');
    assert.equal(scheduleSpecText({ kind: 'burst\u001b' } as unknown as ScheduleSample['spec']), 'burst\\x1b schedule');
  });

  it('leaves steps without label, word or value out of their columns', () => {
    const lines = interleavingLines({ spec: { kind: 'random', seed: 1 }, steps: [{ step: 1, thread: 0, op: 'start' }, { step: 2, thread: 1, op: 'yield', preempted: true }], totalSteps: 2, hash: '00000000' });
    assert.deepEqual(lines.slice(1), ['  #1 t0 start', `  #2 ${' '.repeat(10)}t1 yield  (preempts t0)`]);
  });

  it('keeps every step up to 40, and a copy: the input is never changed', () => {
    const forty = deepFreeze(longSteps().slice(0, 40));
    const kept = trimInterleaving(forty);
    assert.deepEqual(kept, forty);
    assert.notEqual(kept, forty);
  });

  it('trims beyond 40: 3 steps on each side of each preemption and the last 6, the rest elided by thread and call', () => {
    const steps = deepFreeze(longSteps());
    const trimmed = trimInterleaving(steps);
    assert.deepEqual(shape(trimmed), {
      kept: [...range(97, 103), ...range(148, 154), ...range(195, 200)],
      elided: [
        [1, 96, 96, [0], ['acquire()', 'release()']],
        [104, 146 + 1, 44, [1], ['acquire()', 'release()']],
        [155, 194, 40, [0], ['release()', 'acquire()']],
      ],
    });
    const lines = interleavingLines(longSample());
    assert.equal(lines[0], 'interleaving under PCT depth 3 over 120 steps, seed 9: 200 steps, 20 shown (h=deadbeef)');
    assert.equal(lines[1], '       … 96 steps of t0 (acquire(), release()) …');
    assert.ok(lines.includes('  #100                                 t1 release() load lock[0] -> 1  (preempts t0)'), lines.join('\n'));
    // A one-thread elision sits in its thread's column.
    const t1Column = lines.find((l) => l.startsWith('  #100'))!.indexOf('t1');
    assert.equal(lines.find((l) => l.includes('44 steps'))!.indexOf('… 44 steps of t1 (acquire(), release()) …'), t1Column);
    assert.equal(lines.at(-1), '  #200 t0 release() load lock[0] -> 2');
  });

  it('caps a list the producer trimmed already (up to 200 preemptions) at the last 12 preemptions too', () => {
    // Pre-trimmed: steps 10k-1 .. 10k+1 around a preemption at 10k, for k = 1..150; gaps elsewhere.
    const steps: InterleavingStep[] = [];
    for (let k = 1; k <= 150; k++) for (const s of [10 * k - 1, 10 * k, 10 * k + 1]) steps.push({ step: s, thread: k % 2, op: 'load', word: 'w[0]', value: '-> 0', preempted: s === 10 * k });
    const entries = interleavingEntries({ spec: { kind: 'random', seed: 1 }, steps, totalSteps: 1501, hash: 'x' });
    const shownPreemptions = entries.filter((e) => !isElided(e) && e.preempted === true).map((e) => (e as InterleavingStep).step);
    assert.deepEqual(shownPreemptions, range(139, 150).map((k) => 10 * k));
    assert.ok(entries.length < 12 * 8 + 10, `${entries.length} entries`);
    const elided = entries.filter(isElided).reduce((n, e) => n + e.elided, 0);
    const shown = entries.filter((e) => !isElided(e)).length;
    assert.equal(elided + shown, 1501, 'every step is shown or counted in an elision');
  });

  it('says where the steps are for a sample kept without them (not "0 shown")', () => {
    const lines = interleavingLines({ spec: { kind: 'random', seed: 4 }, steps: [], totalSteps: 791, hash: 'abcd0123' });
    assert.deepEqual(lines, ['schedule: random walk, seed 4: 791 steps; its replay command shows the interleaving (h=abcd0123)']);
  });

  it('shows the neighbours of the last 12 preemptions only: a schedule with hundreds prints a bounded number of lines', () => {
    const steps: InterleavingStep[] = Array.from({ length: 3000 }, (_, i) => ({ step: i + 1, thread: Math.floor(i / 10) % 2, op: 'load', word: 'w[0]', value: '-> 0', label: 'spin()', preempted: i % 10 === 0 && i > 0 }));
    const trimmed = trimInterleaving(steps);
    const kept = trimmed.filter((e) => !isElided(e)) as InterleavingStep[];
    const preempted = kept.filter((s) => s.preempted === true).map((s) => s.step);
    assert.deepEqual(preempted, range(0, 11).map((k) => 2881 + 10 * k), 'the last 12 preemptions');
    assert.ok(trimmed.length < 12 * 8 + 6 + 14, `${trimmed.length} entries`);
    assert.equal((trimmed.at(-1) as InterleavingStep).step, 3000, 'the end is kept');
  });

  it('keeps a single step between two kept runs rather than eliding it, and names at most 4 calls of an elision', () => {
    const steps = longSteps().map((s) => ({ ...s, preempted: s.step === 50 || s.step === 58, label: `call${s.step % 6}()` }));
    const { kept, elided } = shape(trimInterleaving(steps));
    assert.deepEqual(kept.slice(0, 15), range(47, 61), 'step 54 kept: 47-53 and 55-61 around the preemptions');
    assert.deepEqual(elided[0]!.slice(0, 3), [1, 46, 46]);
    assert.equal((trimInterleaving(steps)[0] as Elided).labels.length, 6, 'all kept in the data');
    assert.equal(interleavingLines({ spec: { kind: 'random', seed: 1 }, steps, totalSteps: 200, hash: 'x' })[1], '       … 46 steps of t0 (call1(), call2(), call3(), call4(), …) …');
  });

  it('shows a list the producer trimmed as it is: its gaps and what follows its last step are elisions of unknown threads', () => {
    const all = longSteps();
    const producer: ScheduleSample = { spec: { kind: 'random', seed: 1 }, steps: [...all.slice(0, 3), ...all.slice(50, 52)], totalSteps: 200, hash: 'x' };
    const entries = interleavingEntries(producer);
    assert.deepEqual(shape(entries), { kept: [1, 2, 3, 51, 52], elided: [[4, 50, 47, [], []], [53, 200, 148, [], []]] });
    assert.deepEqual(interleavingLines(producer).filter((l) => l.includes('…')), ['      … 47 steps …', '      … 148 steps …']);
    // Already trimmed (elisions in the list): not trimmed again, even past 40 entries.
    const pretrimmed = { ...longSample(), steps: trimInterleaving(longSteps()) };
    assert.deepEqual(interleavingEntries(pretrimmed), trimInterleaving(longSteps()));
  });

  it('shows control characters in labels, words and values as \\xNN: no line of the report can be forged', () => {
    const s = checkThenSetSample();
    s.steps[0] = { ...s.steps[0]!, label: 'acq\u001b[31m()', word: 'lock\n[0]', value: '-> \u00070' };
    const line = interleavingLines(s)[1]!;
    assert.equal(line, '  # 1 t0 acq\\x1b[31m() load   lock\\x0a[0] -> \\x070');
    assert.ok(!interleavingLines(s).some((l) => hasControl(l) || l.includes('\n')));
  });
});

describe('reporters: a controlled failure shows the same steps everywhere', function () {
  this.timeout(30_000);
  const summary = controlledSummary();
  const lock = summary.configs[0]!;
  const canary = summary.configs[1]!;
  const long = stepLines(lock.invariants[0]!.samples[0]!.schedule!);
  const short = stepLines(canary.invariants[0]!.samples[0]!.schedule!);
  const containsAll = (out: string, lines: string[], where: string): void => {
    for (const l of lines) assert.ok(out.includes(l), `${where} lacks ${JSON.stringify(l)}:\n${out}`);
  };

  it('the console: under the first failing trial and its replay command, for a failure and a caught canary; the /s-ctl key as any other', () => {
    const failure = describeFailure(lock);
    assert.deepEqual(failure.slice(0, 5), [
      '  lock/futex/t2/c-all/j-none/s-ctl: flaky',
      '    mutual exclusion: flaky, 3 of 100 trials (3.00% [1.03%, 8.45%])',
      '      trial 7: two threads inside: t0 and t1',
      `      replay: npx stress replay ${lock.invariants[0]!.samples[0]!.replay}`,
      '      interleaving under PCT depth 3 over 120 steps, seed 9: 200 steps, 20 shown (h=deadbeef)',
    ]);
    assert.deepEqual(failure.slice(5), long.map((l) => `      ${l}`), 'the steps, in order, and nothing after');
    const text = formatSummary(summary);
    containsAll(text, short, 'the canary section');
    assert.ok(short.some((l) => l.includes('enter() <script>alert("x&y")</script>') && l.includes('\\x01 \\x1b[31m')), 'the hostile label, made visible');
    assert.match(text, /What the canaries looked like[\s\S]*lock\/check-then-set\/t2\/c-all\/j-none\/s-ctl: flaky\n[\s\S]*interleaving under random walk, seed 123: 16 steps \(h=3fa9c2e1\)/);
    assert.ok(!hasControl(text), 'no control character reaches the terminal');
    assert.match(formatConfigLine(lock), /^ {2}FLAKY {4}lock\/futex\/t2\/c-all\/j-none\/s-ctl: 100 trials/);
  });

  it('the findings (JUnit\'s failure body, the HTML details): the first failing trial\'s interleaving only', async () => {
    const f = invariantFinding(lock, lock.invariants[0]!)!;
    assert.equal(f.schedule, lock.invariants[0]!.samples[0]!.schedule);
    containsAll(f.body, long, 'the finding');
    assert.equal(f.body.match(/interleaving under/g)?.length, 1, 'the second kept trial is a replay away');
    assert.match(f.body, /\ntrial 7: two threads inside: t0 and t1\n {2}replay: npx stress replay \S+\n {2}interleaving under PCT/);
    const xml = await junitXml(summary);
    const testcase = /<testcase [^>]*name="lock\/futex\/t2\/c-all\/j-none\/s-ctl: mutual exclusion"[\s\S]*?<\/testcase>/.exec(xml)?.[0] ?? '';
    assert.match(testcase, /<failure message="mutual exclusion: flaky, failed in 3 of 100 trials[^"]*" type="Flaky">/);
    containsAll(testcase, long, 'the JUnit failure');
  });

  it('Markdown: in a folded code block under the list item', () => {
    const md = markdownSummary(summary);
    assert.match(md, /- `lock\/futex\/t2\/c-all\/j-none\/s-ctl`: mutual exclusion: flaky[^\n]*\n\n {2}<details><summary>interleaving under PCT depth 3 over 120 steps, seed 9: 200 steps, 20 shown \(h=deadbeef\)<\/summary>\n\n {2}```text\n/);
    containsAll(md, long.map((l) => `  ${l}`), 'the Markdown');
    assert.match(md, /\n {2}```\n\n {2}<\/details>\n/);
  });

  it('mocha: the verdict message carries it under the first failing trial', () => {
    const verdict = invariantVerdict([lock], 'mutual exclusion', { seed: 's', fromOption: false });
    assert.ok(!verdict.ok);
    assert.match(verdict.message, /\n {4}replay: npx stress replay \S+\n {4}interleaving under PCT depth 3 over 120 steps, seed 9: 200 steps, 20 shown \(h=deadbeef\)\n/);
    containsAll(verdict.message, long.map((l) => `    ${l}`), 'the mocha message');
  });

  it('stress replay: once, under the first failing invariant; a controlled replay that does not reproduce says the code changed', () => {
    const out = replayReport(lock, { until: false, trace: false, untilCap: 100_000 });
    assert.match(out, /^reproduced in 3 of 100 runs [^\n]*\n {2}mutual exclusion: 3 failures; e\.g\. two threads inside: t0 and t1\n {4}interleaving under PCT/);
    containsAll(out, long.map((l) => `    ${l}`), 'the replay output');
    assert.equal(out.match(/interleaving under/g)?.length, 1);
    const none = { ...lock, failedTrials: 0, invariants: lock.invariants.map((i) => ({ ...i, failures: 0, samples: [] })) };
    assert.match(replayReport(none, { until: false, trace: false, untilCap: 100_000 }), /\n {2}not reproduced: a controlled schedule replays exactly, so the code under test or the suite has changed since this token was made\n$/);
  });

  it('HTML: a timeline with step numbers as time, a lane per thread, preemptions and elisions marked, hostile text escaped', () => {
    const html = renderHtml(summary, { settings: undefined, hostname: 'h', toolVersion: '0' });
    assert.doesNotMatch(html, /https?:\/\/|<script|<link|<img|src=/i);
    const tables = [...html.matchAll(/<table class="interleaving">[\s\S]*?<\/table>/g)].map((m) => m[0]);
    assert.equal(tables.length, 2, 'the failure and the canary');
    const [longTable, shortTable] = tables as [string, string];
    assert.match(longTable, /<caption>interleaving under PCT depth 3 over 120 steps, seed 9: 200 steps, 20 shown \(h=deadbeef\)<\/caption><thead><tr><th class="step">step<\/th><th>t0<\/th><th>t1<\/th><\/tr><\/thead>/);
    assert.equal(longTable.match(/<tr class="elided">/g)?.length, 3);
    assert.match(longTable, /<tr class="elided"><td class="step">1–96<\/td><td class="elided" colspan="2">… 96 steps of t0 \(acquire\(\), release\(\)\) …<\/td><\/tr>/);
    assert.match(
      longTable,
      /<tr class="preempted"><td class="step">100<\/td><td><\/td><td class="run preempted"><span class="label">release\(\)<\/span> <span class="op">load<\/span> <span class="word">lock\[0\]<\/span> <span class="value">-&gt; 1<\/span> <span class="preempt">preempts t0<\/span><\/td><\/tr>/,
    );
    assert.equal(longTable.match(/<td class="step">/g)?.length, 23, '20 steps and 3 elisions, as in the text');
    assert.ok(shortTable.includes('<span class="label">enter() &lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; &#39; ]]&gt; $&#39; $&amp; $` \\x01 \\x1b[31m</span>'), shortTable);
    assert.ok(shortTable.includes('<span class="word">board\\x01[0]</span>'));
    assert.ok(!hasControl(html), 'no control character in the page');
    assert.doesNotMatch(html, /<h4>Trace of the first failing trial<\/h4>/, 'no wall-time axis for a controlled failure');
  });

  it('a harness finding (a deadlock) reads as its message, its threads indented, with the interleaving after it', () => {
    const r = structuredClone(lock);
    const sample = r.invariants[0]!.samples[0]!;
    r.invariants[0]!.name = 'no deadlock or lost wakeup (controlled)';
    sample.details = 'deadlock: every unfinished thread is blocked\nt0 in acquire(): Atomics.wait on lock[0], expecting 1\nt1 in acquire(): Atomics.wait on lock[0], expecting 1';
    sample.schedule = checkThenSetSample();
    const lines = describeFailure(r).join('\n').split('\n');
    assert.deepEqual(lines.slice(2, 7), [
      '      trial 7: deadlock: every unfinished thread is blocked',
      '        t0 in acquire(): Atomics.wait on lock[0], expecting 1',
      '        t1 in acquire(): Atomics.wait on lock[0], expecting 1',
      `      replay: npx stress replay ${sample.replay}`,
      '      interleaving under random walk, seed 123: 16 steps (h=3fa9c2e1)',
    ]);
    const steps = stepLines(checkThenSetSample());
    assert.deepEqual(lines.slice(7), steps.map((l) => `      ${l}`));
    const f = invariantFinding(r, r.invariants[0]!)!;
    assert.match(f.message, /^no deadlock or lost wakeup \(controlled\): flaky, failed in 3 of 100 trials [^;]*; trial 7: deadlock: every unfinished thread is blocked\n/);
    containsAll(f.body, steps, 'the finding');
  });
});
