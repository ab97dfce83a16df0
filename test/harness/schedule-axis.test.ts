/**
 * The schedule axis (issue 13, design section 6.1): --schedule, the config key, stress.it's and
 * run()'s option, each refusing a bad value under its own name; the plan's controlled
 * configurations (once per suite, variant and threads, at c-all/j-none, keys ending in /s-...),
 * with free keys unchanged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Layer, resolveSettings } from '../../harness/core/settings/resolve.js';
import { sourceLabel } from '../../harness/core/settings/source.js';
import { DEFAULT_SCHEDULE } from '../../harness/core/settings/defaults.js';
import { checkRunOptions } from '../../harness/core/settings/run-options.js';
import { loadConfigFile } from '../../harness/core/settings/config-file.js';
import { configKey, plan } from '../../harness/core/plan/plan.js';
import { scheduleKeySuffix, scheduleNameProblem } from '../../harness/core/plan/schedule-axis.js';
import { hasAffinity } from '../../harness/core/execute/pinned.js';
import { countConfigs, normalize } from '../../harness/mocha/options.js';
import { HarnessError } from '../../harness/core/shared/errors.js';
import { stress } from '../helpers/cli.js';
import { rerunCommand } from '../../reporters/rerun.js';
import { run } from '../../harness/core/run.js';
import type { RunSummary } from '../../harness/core/grade/results.js';

const flags = (values: Layer['values']): Layer => ({ kind: 'flag', values });
const config = (values: Layer['values']): Layer => ({ kind: 'config', file: '/p/stress.config.json', base: '/p', values });

function usageMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof HarnessError && e.code === 'ERR_USAGE', String(e));
    return e.message;
  }
  assert.fail('no error');
}

describe('harness/schedule axis', function () {
  this.timeout(120_000);

  it('takes free, ctl, random and pct:1 to pct:10, one spelling each', () => {
    for (const ok of ['free', 'ctl', 'random', 'pct:1', 'pct:3', 'pct:10']) assert.equal(scheduleNameProblem(ok), undefined, ok);
    for (const bad of ['', 'FREE', 'pct', 'pct:0', 'pct:11', 'pct:03', 'pct: 3', 'pct:3.5', 'pct:-1', 'burst', 'toString', 3, null]) {
      assert.match(scheduleNameProblem(bad) ?? 'accepted', /is not a schedule; expected free, ctl, random or pct:D \(D from 1 to 10\)/, String(bad));
    }
    assert.deepEqual(['free', 'ctl', 'random', 'pct:3'].map((s) => scheduleKeySuffix(s as never)), ['', '/s-ctl', '/s-random', '/s-pct3']);
    assert.equal(scheduleKeySuffix(undefined), '');
  });

  it('resolves --schedule, the config key and the default, naming each source', () => {
    const fromDefault = resolveSettings([]);
    assert.deepEqual(fromDefault.options.schedule, DEFAULT_SCHEDULE);
    assert.equal(fromDefault.sources.schedule?.kind, 'default');
    const fromFlag = resolveSettings([flags({ schedule: { raw: 'free,ctl,pct:3', name: '--schedule' } }), config({ schedule: { raw: ['random'], name: 'schedule' } })]);
    assert.deepEqual(fromFlag.options.schedule, ['free', 'ctl', 'pct:3']);
    assert.equal(sourceLabel(fromFlag.sources.schedule!), '--schedule');
    const fromConfig = resolveSettings([flags({}), config({ schedule: { raw: ['random', 'pct:2'], name: 'schedule' } })]);
    assert.deepEqual(fromConfig.options.schedule, ['random', 'pct:2']);
    assert.equal(sourceLabel(fromConfig.sources.schedule!), '/p/stress.config.json: schedule');
  });

  it('refuses a bad schedule under the name it was given: flag, config key, stress.it option, run() option', () => {
    const resolved = (layer: Layer): string => usageMessage(() => resolveSettings([layer]));
    assert.match(resolved(flags({ schedule: { raw: 'free,pct:0', name: '--schedule' } })), /^--schedule: "pct:0" is not a schedule; expected free, ctl, random or pct:D/);
    assert.match(resolved(flags({ schedule: { raw: 'free,,ctl', name: '--schedule' } })), /^--schedule: empty item in "free,,ctl"/);
    assert.match(resolved(flags({ schedule: { raw: 'ctl,ctl', name: '--schedule' } })), /^--schedule: "ctl" is given twice/);
    assert.match(resolved(config({ schedule: { raw: ['burst'], name: 'schedule' } })), /^\/p\/stress\.config\.json: schedule: "burst" is not a schedule/);
    assert.match(resolved(config({ schedule: { raw: [], name: 'schedule' } })), /^\/p\/stress\.config\.json: schedule: no schedule given/);
    assert.match(usageMessage(() => normalize({ schedule: ['pct:11'] }, {})), /^schedule: "pct:11" is not a schedule/);
    assert.match(usageMessage(() => checkRunOptions({ schedule: ['nope'] })), /^run\(\): schedule: "nope" is not a schedule/);
    assert.match(usageMessage(() => checkRunOptions({ schedule: [] })), /^run\(\): schedule must be a non-empty array of free, ctl/);
    assert.match(usageMessage(() => checkRunOptions({ schedule: ['ctl', 'ctl'] })), /^run\(\): schedule lists "ctl" twice/);
    assert.match(usageMessage(() => checkRunOptions({ schedule: 'ctl' as unknown as string[] })), /^run\(\): schedule must be a non-empty array/);
    checkRunOptions({ schedule: ['free', 'ctl', 'random', 'pct:10'] });
  });

  it('stress.config.json: schedule must be an array (ERR_CONFIG naming the file), and a bad name is blamed on the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stress-schedule-'));
    try {
      const notArray = join(dir, 'a.json');
      writeFileSync(notArray, '{"schedule": "ctl"}');
      await assert.rejects(loadConfigFile(notArray), (e: unknown) => e instanceof HarnessError && e.code === 'ERR_CONFIG' && e.message === `${notArray}: schedule must be an array of schedule names (free, ctl, random, pct:D), got "ctl"`);
      const badName = join(dir, 'b.json');
      writeFileSync(badName, '{"schedule": ["free", "pct:99"]}');
      const r = stress(['list', 'counter', '--config', badName]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.ok(r.err.includes(`${badName}: schedule: "pct:99" is not a schedule`), r.err);
      const flag = stress(['list', 'counter', '--schedule', 'free,sometimes']);
      assert.equal(flag.code, 2, flag.out + flag.err);
      assert.match(flag.err, /--schedule: "sometimes" is not a schedule; expected free, ctl, random or pct:D/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('plans each controlled schedule once per suite, variant and threads, at c-all/j-none, its key suffixed; free configurations and keys are unchanged', async () => {
    const base = { suites: ['counter'], threads: [2, 3], cores: ['all', 1] as Array<'all' | number>, jitter: ['none', 'spin-10us'], seed: 'k' };
    const freeOnly = await plan({ ...base, schedule: ['free'] }, hasAffinity());
    const both = await plan({ ...base, schedule: ['free', 'ctl', 'pct:3'] }, hasAffinity());
    const free = both.filter((p) => p.config.schedule === undefined);
    assert.deepEqual(free.map((p) => p.config), freeOnly.map((p) => p.config), 'the free configurations are those of a plan without the axis');
    assert.ok(free.every((p) => !('schedule' in p.config)), 'free configurations have no schedule field');
    const variants = new Set(freeOnly.map((p) => p.config.variant));
    const controlled = both.filter((p) => p.config.schedule !== undefined);
    assert.equal(controlled.length, variants.size * 2 /* threads */ * 2 /* ctl, pct:3 */);
    for (const variant of variants) {
      for (const threads of [2, 3]) {
        const keys = controlled.filter((p) => p.config.variant === variant && p.config.threads === threads).map((p) => p.config.key);
        assert.deepEqual(keys, [`counter/${variant}/t${threads}/c-all/j-none/s-ctl`, `counter/${variant}/t${threads}/c-all/j-none/s-pct3`]);
      }
    }
    for (const p of controlled) {
      assert.equal(p.config.cores, 'all');
      assert.equal(p.config.jitter, 'none');
      assert.equal(p.config.key, configKey(p.config));
      assert.ok(p.config.schedule === 'ctl' || p.config.schedule === 'pct:3');
    }
    // Per variant and threads: the free ones first (cores x jitter), then one per controlled schedule, in the axis's order.
    assert.deepEqual(both.slice(0, 6).map((p) => p.config.key.split('/').slice(2).join('/')), ['t2/c-all/j-none', 't2/c-all/j-spin-10us', 't2/c-1/j-none', 't2/c-1/j-spin-10us', 't2/c-all/j-none/s-ctl', 't2/c-all/j-none/s-pct3']);
    assert.equal(new Set(both.map((p) => p.config.key)).size, both.length, 'keys are unique');
  });

  it('plans free and ctl by default (the default run, --impl runs and stress.it include controlled configurations)', async () => {
    assert.deepEqual(DEFAULT_SCHEDULE, ['free', 'ctl']);
    const byDefault = await plan({ suites: ['counter'], threads: [2], seed: 'k' }, hasAffinity());
    assert.deepEqual(byDefault.filter((p) => p.config.variant === 'locked').map((p) => p.config.key), ['counter/locked/t2/c-all/j-none', 'counter/locked/t2/c-all/j-spin-1us', 'counter/locked/t2/c-all/j-none/s-ctl']);
  });

  it('a suite with controlled: false has its controlled configurations planned as skipped, naming why; free ones run', async () => {
    const file = fileURLToPath(new URL('../sched/fixtures/free-only.js', import.meta.url));
    const planned = await plan({ suites: [file], schedule: ['free', 'ctl', 'pct:2'], seed: 'k' }, hasAffinity());
    const skipped = planned.filter((p) => p.skip !== undefined);
    assert.deepEqual(skipped.map((p) => p.config.schedule), ['ctl', 'pct:2']);
    for (const p of skipped) assert.equal(p.skip, 'sched-free-only runs free only (the suite sets controlled: false)');
    assert.ok(planned.filter((p) => p.config.schedule === undefined).every((p) => p.skip === undefined));
  });

  it('a suite with controlled: false gets no controlled search after a free failure (it has no controlled twin)', async () => {
    const file = fileURLToPath(new URL('../sched/fixtures/free-only-failing.js', import.meta.url));
    let summary: RunSummary | undefined;
    for await (const e of run({ suites: [file], schedule: ['free', 'ctl'], jitter: ['none'], runs: 3, seed: 'k' })) if (e.type === 'run-end') summary = e.summary;
    const free = summary!.configs.find((r) => r.config.schedule === undefined)!;
    const sample = free.invariants.find((i) => i.name === 'three added')!.samples[0]!;
    assert.equal(free.failedTrials, 3);
    assert.equal(sample.controlled, undefined, 'no search ran');
  });

  it('refuses a suite whose controlled is not a boolean (ERR_SUITE_SHAPE)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sched-shape-'));
    try {
      const file = join(dir, 'bad.mjs');
      writeFileSync(file, "export default { name: 'bad', description: 'x', controlled: 'no', setup: () => ({}), actor: () => 1, invariants: { ok: () => true } };\n");
      await assert.rejects(plan({ suites: [file], seed: 'k' }, hasAffinity()), (e: unknown) => e instanceof HarnessError && e.code === 'ERR_SUITE_SHAPE' && /wrong controlled \(true or false\)/.test(e.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without free, plans only the controlled configurations; --grep sees the suffix', async () => {
    const only = await plan({ suites: ['counter'], threads: [2], jitter: ['spin-1us'], cores: [1], schedule: ['random'], seed: 'k' }, hasAffinity());
    assert.ok(only.length > 0 && only.every((p) => p.config.key.endsWith('/t2/c-all/j-none/s-random') && p.config.schedule === 'random'));
    const grepped = await plan({ suites: ['counter'], threads: [2], schedule: ['free', 'ctl'], grep: '/s-ctl$', seed: 'k' }, hasAffinity());
    assert.ok(grepped.length > 0 && grepped.every((p) => p.config.schedule === 'ctl'));
  });

  it('a direct caller of plan() with a bad schedule gets a usage error', async () => {
    await assert.rejects(plan({ suites: ['counter'], schedule: ['pct:0'], seed: 'k' }, hasAffinity()), (e: unknown) => e instanceof HarnessError && e.code === 'ERR_USAGE' && /schedule: "pct:0" is not a schedule/.test(e.message));
  });

  it("stress.it counts the configurations the plan makes, controlled ones included", async () => {
    const n = normalize({ threads: [2, 3], jitter: ['none', 'spin-1us'], schedule: ['free', 'ctl', 'random'] }, {});
    const planned = await plan({ suites: ['counter'], threads: [2, 3], jitter: ['none', 'spin-1us'], schedule: ['free', 'ctl', 'random'], seed: 'k', grep: '^counter/locked/' }, hasAffinity());
    assert.equal(countConfigs([[2, 3]], n), planned.length);
    assert.equal(planned.length, 2 * (2 + 2));
    assert.equal(countConfigs([[2]], normalize({ schedule: ['pct:2'] }, {})), 1);
  });

  it('stress list shows the controlled configurations', () => {
    const r = stress(['list', 'counter', '--threads', '2', '--schedule', 'free,ctl,pct:3', '--grep', '^counter/locked/']);
    assert.equal(r.code, 0, r.out + r.err);
    const keys = r.out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('counter/locked/'));
    assert.deepEqual(keys, ['counter/locked/t2/c-all/j-none', 'counter/locked/t2/c-all/j-spin-1us', 'counter/locked/t2/c-all/j-none/s-ctl', 'counter/locked/t2/c-all/j-none/s-pct3']);
  });

  it("a controlled configuration's rerun command plans it: --schedule with its name, besides --grep of its key", async () => {
    const [p] = await plan({ suites: ['counter'], threads: [2], schedule: ['pct:3'], grep: '^counter/locked/', seed: 'k' }, hasAffinity());
    const command = rerunCommand(p!.config, undefined);
    assert.match(command, / --schedule pct:3 /);
    assert.doesNotMatch(rerunCommand({ ...p!.config, schedule: undefined }, undefined), /--schedule/, 'a free configuration\'s command is what it was');
    assert.equal(p!.config.key, 'counter/locked/t2/c-all/j-none/s-pct3');
    const r = stress(['list', 'counter', '--threads', '2', '--schedule', 'pct:3', '--grep', '^counter/locked/t2/c-all/j-none/s-pct3$']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /counter\/locked\/t2\/c-all\/j-none\/s-pct3\n\n1 configuration/);
  });
});
