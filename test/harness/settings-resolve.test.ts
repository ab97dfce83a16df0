/**
 * The resolve step (core/settings/resolve.ts): precedence, defaults from defaults.ts, and the
 * source of every value, so a bad value is blamed on the place it was written.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { envLayer, type Layer, resolveSettings, withDefaults } from '../../harness/core/settings/resolve.js';
import { sourceLabel } from '../../harness/core/settings/source.js';
import { DEFAULT_CORES, DEFAULT_JITTER, DEFAULT_TIME_BUDGET_MS, DEFAULT_TIMEOUT_MS, DEFAULT_TRACE_EVENTS } from '../../harness/core/settings/defaults.js';
import { HarnessError } from '../../harness/core/shared/errors.js';
import { CLI } from '../helpers/cli.js';

const config = (values: Layer['values']): Layer => ({ kind: 'config', file: '/p/stress.config.json', base: '/p', values });
const flags = (values: Layer['values']): Layer => ({ kind: 'flag', values });

describe('harness/settings resolve', () => {
  it('fills every default from defaults.ts, recording that they are defaults', () => {
    const { options, sources } = resolveSettings([]);
    assert.deepEqual(options.jitter, DEFAULT_JITTER);
    assert.deepEqual(options.cores, DEFAULT_CORES);
    assert.equal(options.timeoutMs, DEFAULT_TIMEOUT_MS);
    assert.equal(options.traceEvents, DEFAULT_TRACE_EVENTS);
    assert.equal(options.timeBudgetMs, DEFAULT_TIME_BUDGET_MS);
    assert.equal(options.seed, undefined, 'no seed: the run draws one');
    assert.equal(sources.timeoutMs?.kind, 'default');
    assert.equal(resolveSettings([], { timeBudgetMs: 5000 }).options.timeBudgetMs, 5000);
  });

  it('takes the first layer that gives a value, and says which', () => {
    const { options, sources } = resolveSettings([
      flags({ threads: { raw: '3', name: '--threads' } }),
      envLayer({ STRESS_SEED: 'from-env' }),
      config({ threads: { raw: [8], name: 'threads' }, seed: { raw: 'from-file', name: 'seed' }, timeoutMs: { raw: '2s', name: 'timeout' } }),
    ]);
    assert.deepEqual(options.threads, [3]);
    assert.equal(sourceLabel(sources.threads!), '--threads');
    assert.equal(options.seed, 'from-env');
    assert.equal(sourceLabel(sources.seed!), 'STRESS_SEED');
    assert.equal(options.timeoutMs, 2000);
    assert.equal(sourceLabel(sources.timeoutMs!), '/p/stress.config.json: timeout');
  });

  it('an empty STRESS_SEED is unset', () => {
    assert.equal(resolveSettings([envLayer({ STRESS_SEED: '' })]).options.seed, undefined);
  });

  it('a bad value is blamed on its source: flag, environment variable or config key', () => {
    const blamed = (layers: Layer[]): string => {
      try {
        resolveSettings(layers);
      } catch (e) {
        assert.ok(e instanceof HarnessError && e.code === 'ERR_USAGE', String(e));
        return e.message;
      }
      assert.fail('no error');
    };
    assert.match(blamed([envLayer({}), config({ seed: { raw: 'bad seed!', name: 'seed' } })]), /^\/p\/stress\.config\.json: seed: "bad seed!" is not a seed/);
    assert.match(blamed([envLayer({ STRESS_SEED: 'bad seed!' }), config({ seed: { raw: 'ok', name: 'seed' } })]), /^STRESS_SEED: "bad seed!"/);
    assert.match(blamed([flags({ seed: { raw: 'bad seed!', name: '--seed' } })]), /^--seed: "bad seed!"/);
    assert.match(blamed([{ kind: 'option', values: { seed: { raw: 'bad seed!', name: 'seed' } } }]), /^seed: "bad seed!"/);
    assert.match(blamed([flags({ runs: { raw: '5', name: '--runs' } }), config({ durationMs: { raw: '8h', name: 'duration' } })]), /^\/p\/stress\.config\.json: duration: a soak runs for a time/);
  });

  it('adds params and impls over the layers, the stronger layer winning per name', () => {
    const { options, sources } = resolveSettings([
      flags({ params: { raw: ['a=2'], name: '--param' } }),
      config({ params: { raw: { a: 1, b: 'x' }, name: 'params' } }),
    ]);
    assert.deepEqual(options.params, { a: 2, b: 'x' });
    assert.equal(sourceLabel(sources.params!), '--param');
  });

  it('run() options get the same defaults, and keep what is not a setting', () => {
    const signal = new AbortController().signal;
    const o = withDefaults({ runs: 3, workerHeapMb: 64, signal });
    assert.equal(o.runs, 3);
    assert.equal(o.workerHeapMb, 64);
    assert.equal(o.signal, signal);
    assert.equal(o.timeoutMs, DEFAULT_TIMEOUT_MS);
    assert.deepEqual(o.jitter, DEFAULT_JITTER);
  });

  it('stress list: a bad seed in stress.config.json names the file\'s key, not STRESS_SEED', () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'stress-seed-')));
    try {
      writeFileSync(join(dir, 'stress.config.json'), '{"seed": "bad seed!"}');
      const r = spawnSync(process.execPath, [CLI, 'list', 'counter'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, STRESS_SEED: '' } });
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.ok(r.stderr.includes(`${join(dir, 'stress.config.json')}: seed: "bad seed!" is not a seed`), r.stderr);
      assert.doesNotMatch(r.stderr, /STRESS_SEED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
