/** The scheduler seam, pure: strategies, the portfolio, schedule names. */
import assert from 'node:assert/strict';
import {
  DIVERGED_SLOT,
  FAIRNESS_SPAN,
  STARVATION_SPAN,
  HELD_OFF_SPAN,
  PCT_FAIRNESS_SPANS,
  pctFairnessSpan,
  type SchedulerView,
  type StrategyState,
  defaultPick,
  parseScheduleName,
  schedulerFor,
  specFor,
  strategyStateSlots,
} from '../../harness/core/schedule/strategy.js';

function memoryState(threads: number): StrategyState & { words: number[] } {
  const words = new Array<number>(strategyStateSlots(threads)).fill(0);
  return { words, load: (i) => words[i]!, store: (i, v) => void (words[i] = v) };
}

const view = (over: Partial<SchedulerView>): SchedulerView => ({ step: 1, current: 0, runnable: [0, 1], earliestTimeout: -1, threads: 2, idleSteps: 1, streak: 0, heldOff: 0, ...over });

describe('schedule/strategy', () => {
  it('parses schedule names, refusing others with what is accepted', () => {
    for (const name of ['free', 'ctl', 'random', 'pct:2', 'pct:3'] as const) assert.equal(parseScheduleName(name), name);
    for (const bad of ['pct', 'pct:0', 'pct:x', 'PCT:3', 'burst', '']) assert.throws(() => parseScheduleName(bad), /expected free, ctl, random or pct:<depth/);
  });

  it('gives each trial a deterministic spec; ctl cycles random, pct:2, pct:3', () => {
    const a = [0, 1, 2, 3, 4, 5].map((t) => specFor('ctl', 'seed', 'key', t, 120));
    assert.deepEqual(a, [0, 1, 2, 3, 4, 5].map((t) => specFor('ctl', 'seed', 'key', t, 120)));
    assert.deepEqual(
      a.map((s) => (s.kind === 'pct' ? `pct:${s.depth}:${s.steps}` : s.kind)),
      ['random', 'pct:2:120', 'pct:3:120', 'random', 'pct:2:120', 'pct:3:120'],
    );
    assert.notDeepEqual(specFor('random', 'seed', 'key', 0, 1), specFor('random', 'seed', 'other', 0, 1));
    assert.notDeepEqual(specFor('random', 'seed', 'key', 0, 1), specFor('random', 'seed', 'key', 1, 1));
    assert.equal(specFor('pct:4', 's', 'k', 9, 50).kind, 'pct');
    assert.deepEqual({ ...specFor('pct:3', 's', 'k', 0, 50), seed: 0 }, { kind: 'pct', seed: 0, depth: 3, steps: 50 });
  });

  it('random walk: a pure function of seed and step, covering every runnable thread', () => {
    const s = schedulerFor({ kind: 'random', seed: 42 });
    const picks = Array.from({ length: 200 }, (_, step) => s.next(view({ step, runnable: [0, 1, 2] }), memoryState(3)));
    assert.deepEqual(picks, Array.from({ length: 200 }, (_, step) => schedulerFor({ kind: 'random', seed: 42 }).next(view({ step, runnable: [0, 1, 2] }), memoryState(3))));
    assert.deepEqual(new Set(picks), new Set([0, 1, 2]));
  });

  it('PCT: the highest priority runs until a change point demotes it', () => {
    const spec = { kind: 'pct' as const, seed: 7, depth: 2, steps: 10 };
    const s = schedulerFor(spec);
    const state = memoryState(2);
    s.init(state, 2);
    const first = s.next(view({ step: 0, current: -1 }), state) as number;
    // Without a change point, the same thread keeps running.
    let current = first;
    const picks: number[] = [];
    for (let step = 1; step <= 12; step++) {
      current = s.next(view({ step, current }), state) as number;
      picks.push(current);
    }
    assert.ok(picks.includes(first));
    assert.equal(picks[picks.length - 1], 1 - first, 'one change point in [1, 10] handed the lead to the other thread');
  });

  it('PCT and the default give way to another thread every FAIRNESS_SPAN idle steps (a spin on a lower-priority holder is no livelock)', () => {
    assert.equal(defaultPick(view({ current: 0, idleSteps: FAIRNESS_SPAN - 1 })), 0);
    assert.equal(defaultPick(view({ current: 0, idleSteps: FAIRNESS_SPAN })), 1);
    const s = schedulerFor({ kind: 'pct', seed: 1, depth: 1, steps: 1 });
    const state = memoryState(2);
    s.init(state, 2);
    const lead = s.next(view({ step: 0, current: -1 }), state) as number;
    assert.equal(s.next(view({ step: 5, current: lead, idleSteps: pctFairnessSpan(1) - 1 }), state), lead);
    assert.equal(s.next(view({ step: 6, current: lead, idleSteps: pctFairnessSpan(1) }), state), 1 - lead);
  });

  it('PCT runs draw their idle span from 64, 256 and 1024 by seed (so a spin phase of a few hundred reads can finish)', () => {
    const spans = new Set(Array.from({ length: 60 }, (_, seed) => pctFairnessSpan(seed)));
    assert.deepEqual([...spans].sort((a, b) => a - b), [...PCT_FAIRNESS_SPANS].sort((a, b) => a - b));
    assert.deepEqual(PCT_FAIRNESS_SPANS, [FAIRNESS_SPAN, 256, 1024]);
  });

  it('PCT and the default give way once one thread has run STARVATION_SPAN steps while another could (a spin that writes, e.g. a spin counter)', () => {
    // Values keep changing (idleSteps 1), so only the streak can hand the turn on.
    assert.equal(defaultPick(view({ current: 0, streak: STARVATION_SPAN - 1 })), 0);
    assert.equal(defaultPick(view({ current: 0, streak: STARVATION_SPAN })), 1);
    assert.equal(defaultPick(view({ current: 0, runnable: [0], streak: STARVATION_SPAN })), 0, 'alone, it goes on');
    const s = schedulerFor({ kind: 'pct', seed: 1, depth: 1, steps: 1 });
    const state = memoryState(2);
    s.init(state, 2);
    const lead = s.next(view({ step: 0, current: -1 }), state) as number;
    assert.equal(s.next(view({ step: 5, current: lead, streak: STARVATION_SPAN - 1 }), state), lead);
    assert.equal(s.next(view({ step: 6, current: lead, streak: STARVATION_SPAN }), state), 1 - lead);
  });

  it('PCT and the default give way once another runnable thread has been passed over HELD_OFF_SPAN decisions (two favoured threads taking turns)', () => {
    // Three threads: 0 and 1 take turns (no streak, values changing), 2 is runnable and never picked.
    const three = (over: Partial<SchedulerView>): SchedulerView => view({ runnable: [0, 1, 2], threads: 3, ...over });
    assert.equal(defaultPick(three({ current: 0, heldOff: HELD_OFF_SPAN - 1 })), 0);
    assert.notEqual(defaultPick(three({ current: 0, heldOff: HELD_OFF_SPAN })), 0);
    const s = schedulerFor({ kind: 'pct', seed: 3, depth: 1, steps: 1 });
    const state = memoryState(3);
    s.init(state, 3);
    const first = s.next(three({ step: 0, current: -1 }), state) as number;
    // Each decision while the third is held off demotes the current thread below everyone: within two, the held-off one runs.
    const second = s.next(three({ step: 1, current: first, heldOff: HELD_OFF_SPAN }), state) as number;
    const third = second === first ? second : (s.next(three({ step: 2, current: second, heldOff: HELD_OFF_SPAN }), state) as number);
    const lowestOriginal = [0, 1, 2].find((t) => t !== first && t !== second)!;
    assert.ok([second, third].includes(lowestOriginal), `the thread PCT ranked last runs (picked ${first}, ${second}, ${third})`);
  });

  it('switches: non-preemptive except at listed steps; a listed blocked thread with the earliest timeout fires it; otherwise a divergence', () => {
    const s = schedulerFor({ kind: 'switches', switches: [[3, 1], [5, 1], [7, 1]] });
    const state = memoryState(2);
    assert.equal(s.next(view({ step: 2, current: 0 }), state), 0);
    assert.equal(s.next(view({ step: 3, current: 0 }), state), 1);
    assert.deepEqual(s.next(view({ step: 5, current: 0, runnable: [0], earliestTimeout: 1 }), state), { fire: 1 });
    assert.equal(state.load(DIVERGED_SLOT), 0);
    assert.equal(s.next(view({ step: 7, current: 0, runnable: [0] }), state), 0);
    assert.equal(state.load(DIVERGED_SLOT), 8, 'diverged at step 7 (stored + 1)');
    // The default after a blocked current thread: the next runnable after it, round-robin.
    assert.equal(s.next(view({ step: 8, current: 1, runnable: [0, 2], threads: 3 }), memoryState(3)), 2);
  });
});
