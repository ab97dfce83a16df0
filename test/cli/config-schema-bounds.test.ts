/**
 * The editor schema (stress.config.schema.json) and the checks `stress` runs agree on every
 * bound (issue: "traceEvents": 0 passed the schema, minimum 0, and the run refused it, "from 1 to
 * 4096"). Each numeric bound the schema states is put to the run's own check (the config file
 * read and resolved in this process, as `stress run --config` does): its minimum and maximum are
 * accepted, one past them refused, and a value with no stated maximum accepted however large.
 * Patterns and lists are checked against the runtime on sample values.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOptionsFrom } from '../../harness/cli/options.js';
import { JITTER_PROFILES } from '../../harness/core/execute/jitter.js';
import { HarnessError } from '../../harness/core/shared/errors.js';

const SCHEMA = fileURLToPath(new URL('../../../stress.config.schema.json', import.meta.url));

interface Schema {
  type?: string | string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  enum?: unknown[];
  items?: Schema;
  anyOf?: Schema[];
  uniqueItems?: boolean;
  minItems?: number;
  maxItems?: number;
}

/** Where a number sits in a key's value: the value itself, or an item of its list. */
interface NumberAt {
  key: string;
  schema: Schema;
  wrap: (n: number) => unknown;
}

/** Every number schema in the schema's properties, at the top of a key, in its anyOf, or in its items. */
function numbersIn(properties: Record<string, Schema>): NumberAt[] {
  const found: NumberAt[] = [];
  const visit = (key: string, s: Schema, wrap: (n: number) => unknown): void => {
    if (s.type === 'integer' || s.type === 'number') found.push({ key, schema: s, wrap });
    for (const part of s.anyOf ?? []) visit(key, part, wrap);
    if (s.items !== undefined) visit(key, s.items, (n) => [n]);
  };
  for (const [key, s] of Object.entries(properties)) visit(key, s, (n) => n);
  return found;
}

describe('cli: the config schema and the runtime checks agree', function () {
  this.timeout(120_000);
  let dir: string;
  let n = 0;
  const savedSeed = process.env.STRESS_SEED;
  let properties: Record<string, Schema>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stress-schema-'));
    // The environment's seed would win over the file's and leave the file's unchecked.
    delete process.env.STRESS_SEED;
    properties = (JSON.parse(readFileSync(SCHEMA, 'utf8')) as { properties: Record<string, Schema> }).properties;
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    if (savedSeed !== undefined) process.env.STRESS_SEED = savedSeed;
  });

  /** Whether `stress run --config` takes `{ key: value }`: true, or false on its usage or config error. */
  async function accepted(key: string, value: unknown): Promise<boolean> {
    const path = join(dir, `c${n++}.json`);
    writeFileSync(path, JSON.stringify({ [key]: value }));
    try {
      await runOptionsFrom(['--config', path]);
      return true;
    } catch (err) {
      if (err instanceof HarnessError && (err.code === 'ERR_USAGE' || err.code === 'ERR_CONFIG')) return false;
      throw err;
    }
  }

  it('finds every setting that holds a number', () => {
    const keys = [...new Set(numbersIn(properties).map((a) => a.key))].sort();
    assert.deepEqual(keys, ['cores', 'duration', 'jobs', 'maxFailures', 'runs', 'threads', 'timeBudget', 'timeout', 'traceEvents']);
  });

  it('each numeric bound: the bound accepted, one past it refused, no maximum means none', async () => {
    for (const { key, schema, wrap } of numbersIn(properties)) {
      const at = (v: number): string => `${key}: ${JSON.stringify(wrap(v))}`;
      const integer = schema.type === 'integer';
      if (schema.minimum !== undefined) {
        assert.equal(await accepted(key, wrap(schema.minimum)), true, `${at(schema.minimum)}: the schema's minimum`);
        assert.equal(await accepted(key, wrap(schema.minimum - 1)), false, `${at(schema.minimum - 1)}: below the schema's minimum`);
      }
      if (schema.exclusiveMinimum !== undefined) {
        assert.equal(await accepted(key, wrap(schema.exclusiveMinimum)), false, `${at(schema.exclusiveMinimum)}: the schema's exclusive minimum`);
        assert.equal(await accepted(key, wrap(schema.exclusiveMinimum + 0.001)), true, `${at(schema.exclusiveMinimum + 0.001)}: just above it`);
      }
      assert.ok(schema.minimum !== undefined || schema.exclusiveMinimum !== undefined, `${key}: a number with no lower bound in the schema`);
      if (schema.maximum !== undefined) {
        assert.equal(await accepted(key, wrap(schema.maximum)), true, `${at(schema.maximum)}: the schema's maximum`);
        assert.equal(await accepted(key, wrap(schema.maximum + 1)), false, `${at(schema.maximum + 1)}: above the schema's maximum`);
      } else {
        // No maximum in the schema: the run takes any size (jobs: clamped to the CPUs, with a warning).
        const big = integer ? 2 ** 40 : 1e15;
        assert.equal(await accepted(key, wrap(big)), true, `${at(big)}: the schema has no maximum`);
      }
      if (integer) {
        const low = schema.minimum ?? 1;
        assert.equal(await accepted(key, wrap(low + 0.5)), false, `${at(low + 0.5)}: the schema wants a whole number`);
      }
    }
  });

  it('each pattern and list of names: the schema and the run agree on sample values', async () => {
    const matches = (key: string, s: Schema | undefined, v: string): boolean => {
      const parts = s?.anyOf ?? (s !== undefined ? [s] : []);
      return parts.some((p) => (p.type === 'string' || p.pattern !== undefined) && (p.pattern === undefined || new RegExp(p.pattern, 'u').test(v)));
    };
    const samples: Record<string, string[]> = {
      timeBudget: ['30s', '500ms', '2m', '1h', '1.5s', ' 10s ', '0.001ms', '0s', '0ms', '0.0s', '00m', '5', '5 s', '1d', '-1s', 's', ''],
      duration: ['8h', '0h', '3', '90m'],
      timeout: ['1s', '24h', '0.5ms', '0s', '10', 'x'],
      seed: ['s1', 'A_b.c-9', 'x'.repeat(64), 'x'.repeat(65), 'has space', 'ü', ''],
      shard: ['1/2', '2/2', ' 1/3 ', '01/2', '1/', '/2', 'a/b', '1-2'],
    };
    for (const [key, values] of Object.entries(samples)) {
      for (const v of values) {
        assert.equal(matches(key, properties[key], v), await accepted(key, v), `${key}: ${JSON.stringify(v)}: the schema and the run disagree`);
      }
    }
    // What a pattern cannot say (the schema's description does): a timeout string above 24h, a shard's i <= n <= 10000.
    assert.equal(await accepted('timeout', '25h'), false);
    assert.equal(await accepted('shard', '3/2'), false);
    assert.equal(await accepted('shard', '1/10001'), false);
    // List items: the schedule's pattern, the jitter names.
    const schedule = properties.schedule!.items!;
    for (const v of ['free', 'ctl', 'random', 'pct:1', 'pct:10', 'pct:0', 'pct:11', 'pct:01', 'FREE', 'pct']) {
      assert.equal(new RegExp(schedule.pattern!, 'u').test(v), await accepted('schedule', [v]), `schedule: ${JSON.stringify(v)}`);
    }
    assert.deepEqual([...properties.jitter!.items!.enum!].sort(), Object.keys(JITTER_PROFILES).sort());
    for (const v of properties.jitter!.items!.enum!) assert.equal(await accepted('jitter', [v]), true, String(v));
    assert.equal(await accepted('jitter', ['spin-2us']), false);
  });

  it('lists: repeats refused where the schema wants unique items, an empty schedule refused', async () => {
    for (const [key, item] of [['threads', 2], ['cores', 1], ['jitter', 'none'], ['schedule', 'free']] as const) {
      assert.equal(properties[key]!.uniqueItems, true, key);
      assert.equal(await accepted(key, [item, item]), false, `${key}: a repeated item`);
    }
    assert.equal(properties.schedule!.minItems, 1);
    assert.equal(await accepted('schedule', []), false);
    // 10,000 items at most in any list: the config reader's own limit.
    for (const [key, s] of Object.entries(properties)) if (s.type === 'array') assert.equal(s.maxItems, 10_000, key);
    assert.equal(await accepted('suites', Array.from({ length: 10_001 }, () => 'counter')), false);
  });
});
