/**
 * The implementation contract: every violation is an ERR_IMPL_CONTRACT
 * naming the member, raised before any trial (exit code 2 from the CLI).
 */
import assert from 'node:assert/strict';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkImpl } from '../../harness/contract/load-impl.js';
import { HarnessError } from '../../harness/core/shared/errors.js';
import { parseImpls } from '../../harness/core/settings/impls.js';
import { expandSuiteRefs } from '../../harness/core/plan/impl-variants.js';

const fixture = (name: string): string => new URL(`./fixtures/impls/${name}.js`, import.meta.url).href;
const fixturePath = (name: string): string => fileURLToPath(fixture(name));

async function contractError(name: string): Promise<string> {
  try {
    await checkImpl(fixture(name), 'lock');
  } catch (err) {
    assert.ok(err instanceof HarnessError, String(err));
    assert.equal(err.code, 'ERR_IMPL_CONTRACT');
    return err.message;
  }
  throw new Error(`${name} was accepted`);
}

describe('harness/contract', () => {
  it('names a missing attach', async () => {
    assert.equal(
      await contractError('no-attach'),
      `${fixture('no-attach')}: attach must be a function attach(handle) returning the lock object; got undefined (see docs/contracts.md)`,
    );
  });

  it('names a missing required method of the attached object, with its signature', async () => {
    assert.equal(
      await contractError('no-release'),
      `${fixture('no-release')}: lock "no-release": attach(handle) returned an object without the required method release() (release(): void) (see docs/contracts.md)`,
    );
  });

  it('rejects an unknown kind, listing the kinds', async () => {
    assert.match(await contractError('wrong-kind'), /kind must be one of lock, rlock, semaphore, barrier, event, condition, queue; got "mutex"/);
  });

  it('rejects a handle that cannot be sent to a worker', async () => {
    assert.match(await contractError('uncloneable'), /create\(\) returned a handle that cannot be sent to a worker \(structured clone failed/);
  });

  it('runs the single-thread smoke check and says what came back', async () => {
    assert.match(await contractError('never-acquires'), /single-thread smoke check failed: acquire\(0\) on a free lock returned false; expected true/);
  });

  it('runs the smoke check in a worker thread: an error of the module there is ERR_IMPL_CONTRACT naming the URL, whatever code the module gave it', async () => {
    const message = await contractError('throws-in-worker');
    assert.equal(message, `cannot load implementation ${fixture('throws-in-worker')} in a worker thread: only in workers (see docs/contracts.md)`);
  });

  it('rejects an unknown capability', async () => {
    assert.match(await contractError('bad-capability'), /unknown capability "fair" for a lock; known: releaseByNonOwnerThrows/);
  });

  it('accepts a module exported as `impl`, and every built-in adapter and gallery entry', async () => {
    assert.equal((await checkImpl(fixture('named-export'), 'lock')).name, 'named-export-lock');
    const at = (p: string): string => new URL(`../../suites/${p}.js`, import.meta.url).href;
    for (const kind of ['lock', 'rlock', 'semaphore', 'barrier', 'event', 'condition', 'queue'] as const) {
      assert.equal((await checkImpl(at(`impls/shakedown-${kind}`), kind)).kind, kind);
    }
    for (const [name, kind] of [
      ['check-then-set-lock', 'lock'],
      ['release-without-notify-lock', 'lock'],
      ['one-too-many-semaphore', 'semaphore'],
      ['reset-on-leave-barrier', 'barrier'],
      ['lost-notify-condition', 'condition'],
      ['non-atomic-index-queue', 'queue'],
      ['flag-only-event', 'event'],
    ] as const) {
      assert.equal((await checkImpl(at(`gallery/${name}`), kind)).name, name);
    }
  });

  it('rejects a module given for the wrong kind', async () => {
    await assert.rejects(checkImpl(fixture('named-export'), 'queue'), /kind is "lock", but it was given as a queue implementation/);
  });

  describe('--impl parsing', () => {
    it('maps kind=path to a file URL, relative to the base directory', () => {
      assert.deepEqual(parseImpls('--impl', [`lock=${fixturePath('no-attach')}`], '/'), { lock: pathToFileURL(fixturePath('no-attach')).href });
    });
    it('rejects malformed pairs, unknown kinds, missing files and duplicates with ERR_USAGE', () => {
      const usage = (raw: string[], re: RegExp): void => {
        assert.throws(() => parseImpls('--impl', raw, process.cwd()), (e: unknown) => e instanceof HarnessError && e.code === 'ERR_USAGE' && re.test(e.message));
      };
      usage(['lock'], /"lock" is not kind=path/);
      usage(['mutex=./x.js'], /unknown kind "mutex"/);
      usage(['lock=./no-such-file.js'], /no such file/);
      usage([`lock=${fixturePath('no-attach')}`, `lock=${fixturePath('no-attach')}`], /lock given twice/);
    });
    it('selects the conformance suites of the --impl kinds when no suite is named', () => {
      assert.deepEqual(expandSuiteRefs([], { lock: 'file:///x.js', queue: 'file:///y.js' }), ['conformance/lock', 'conformance/queue']);
      assert.deepEqual(expandSuiteRefs([]), ['counter', 'producer-consumer', 'barrier-start', 'deadlock', 'executor']);
      assert.equal(expandSuiteRefs(['conformance']).length, 7);
    });
  });
});
