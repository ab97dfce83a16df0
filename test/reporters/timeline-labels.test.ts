/**
 * The HTML timeline stays readable where events cluster (issue 18, item 5): no two labels drawn on
 * one row of a lane overlap (a label that fits nowhere is left out; its mark keeps the hover text),
 * and the axis labels at both ends are anchored inside the drawing.
 */
import assert from 'node:assert/strict';
import { timelineSvg } from '../../reporters/html/timeline.js';
import type { TraceEvent } from '../../harness/core/execute/trace.js';

const CHAR_PX = 6.6;

function labels(svg: string): Array<{ x: number; y: number; anchor: string; width: number }> {
  return [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)">([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), anchor: m[3]!, width: m[4]!.length * CHAR_PX }));
}

function span(l: { x: number; anchor: string; width: number }): [number, number] {
  return l.anchor === 'start' ? [l.x, l.x + l.width] : l.anchor === 'end' ? [l.x - l.width, l.x] : [l.x - l.width / 2, l.x + l.width / 2];
}

describe('reporters/html timeline: labels where events cluster', () => {
  it('never draws two labels of one row over each other, and keeps a mark (with its hover text) for every event', () => {
    // 60 events of two threads inside 2% of the time span, then one far away: the old layout stacked them.
    const trace: TraceEvent[] = [];
    for (let i = 0; i < 60; i++) trace.push({ thread: i % 2, threadName: `t${i % 2}`, time: i * 0.0001, op: i % 3 === 0 ? 'acquire' : 'release', primitive: 'lock' });
    trace.push({ thread: 0, threadName: 't0', time: 0.5, op: 'user', primitive: 'a long user label at the end' });
    const svg = timelineSvg(trace);
    assert.equal((svg.match(/<circle /g) ?? []).length, trace.length, 'a mark per event');
    assert.equal((svg.match(/<title>/g) ?? []).length, trace.length, 'hover text per event');
    const ls = labels(svg);
    assert.ok(ls.length >= 8 && ls.length < trace.length, `some labels shown, the crowded rest left out (${ls.length})`);
    for (let i = 0; i < ls.length; i++) {
      for (let j = i + 1; j < ls.length; j++) {
        if (ls[i]!.y !== ls[j]!.y) continue;
        const [a0, a1] = span(ls[i]!);
        const [b0, b1] = span(ls[j]!);
        assert.ok(a1 <= b0 || b1 <= a0, `labels ${i} and ${j} overlap on row y=${ls[i]!.y}`);
      }
    }
    // The last label and the last tick end inside the 960 px drawing.
    for (const l of ls) assert.ok(span(l)[1] <= 960 && span(l)[0] >= 0);
    assert.match(svg, /<text x="940.0" y="\d+" text-anchor="end" class="tick">/);
  });
});
