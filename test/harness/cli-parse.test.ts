import assert from 'node:assert/strict';
import { parseCores, parseDuration, parseJitter, parseParams, parseSeed, parseThreads } from '../../harness/core/settings/parse.js';
import { HarnessError } from '../../harness/core/shared/errors.js';

function usageError(fn: () => unknown, mentions: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof HarnessError, 'a HarnessError');
    assert.equal(err.code, 'ERR_USAGE');
    assert.match(err.message, mentions);
    return true;
  });
}

describe('harness/cli/parse', () => {
  it('accepts thread lists and rejects 0, -1, abc and 100000 naming the flag and the range', () => {
    assert.deepEqual(parseThreads('--threads', '2,4,8'), [2, 4, 8]);
    for (const bad of ['0', '-1', 'abc', '100000', '2,,4', '2.5']) usageError(() => parseThreads('--threads', bad), /--threads.*(1 to 256|empty item)/);
  });

  it('parses durations with units and rejects 5parsecs', () => {
    assert.equal(parseDuration('--time-budget', '30s'), 30_000);
    assert.equal(parseDuration('--time-budget', '500ms'), 500);
    assert.equal(parseDuration('--time-budget', '2m'), 120_000);
    assert.equal(parseDuration('--timeout', 250), 250, 'a number (config file, API) is ms');
    usageError(() => parseDuration('--time-budget', '5parsecs'), /--time-budget.*"5parsecs".*30s/);
    usageError(() => parseDuration('--timeout', '0'), /--timeout/);
  });

  it('parses cores including "all" and rejects junk', () => {
    assert.deepEqual(parseCores('--cores', '1,all'), [1, 'all']);
    usageError(() => parseCores('--cores', 'some'), /--cores.*"some"/);
  });

  it('names the known jitter profiles when one is unknown', () => {
    assert.deepEqual(parseJitter('--jitter', 'none,spin-1us'), ['none', 'spin-1us']);
    usageError(() => parseJitter('--jitter', 'lots'), /unknown jitter profile "lots".*spin-1us/);
    // Names the profile table only inherits are not profiles.
    for (const inherited of ['toString', 'constructor', '__proto__']) usageError(() => parseJitter('--jitter', inherited), /unknown jitter profile/);
  });

  it('parses name=value parameters with numbers and booleans', () => {
    assert.deepEqual(parseParams('--param', ['messages=16', 'fast=true', 'label=x']), { messages: 16, fast: true, label: 'x' });
    usageError(() => parseParams('--param', ['nonsense']), /name=value/);
  });

  it('rejects seeds that would not survive a shell paste', () => {
    assert.equal(parseSeed('--seed', 'abc-123'), 'abc-123');
    usageError(() => parseSeed('--seed', 'a b'), /--seed/);
  });
});
