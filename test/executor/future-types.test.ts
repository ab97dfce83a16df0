/**
 * Why a Future is not thenable (primitives/README.md, the parity table): the notes' pattern keys a
 * Map by futures and looks each completed one up. These lines are type-checked by the build: if
 * Future gained a `then`, `for await` would type `f` as the value and `futureToUrl.get(f)` would
 * stop compiling. At run time, the same pattern must give back the very futures submitted, and an
 * async function that returns a Future must return the Future, not its value.
 */
import assert from 'node:assert/strict';
import { Future, asCompleted } from 'shakedown';
import { withTimeout } from '../helpers/workers.js';

describe('Future: usable with await through result(), and itself not thenable', function () {
  this.timeout(30_000);

  it('for await over asCompleted gives the futures that key the caller Map', async () => {
    const futureToUrl = new Map<Future<number>, string>();
    for (const url of ['a', 'b', 'c']) futureToUrl.set(new Future<number>(), url);
    const [a, b, c] = [...futureToUrl.keys()];
    b!.setResult(2);
    a!.setResult(1);
    c!.setException(new Error('c failed'));
    const seen: string[] = [];
    await withTimeout(
      (async () => {
        for await (const f of asCompleted(futureToUrl)) {
          const url: string | undefined = futureToUrl.get(f);
          assert.ok(url !== undefined, 'asCompleted gave something that is not one of the submitted futures');
          seen.push(url);
        }
      })(),
      10_000,
      'asCompleted over settled futures',
    );
    assert.deepEqual(seen, ['a', 'b', 'c']);
  });

  it('an async function returning a Future returns the Future; its outcome is awaited through result()', async () => {
    const made = new Future<number>();
    const give = async (): Promise<Future<number>> => {
      await Promise.resolve();
      return made;
    };
    const got = await give();
    assert.equal(got, made, 'a thenable Future would have been unwrapped here');
    assert.equal('then' in made, false);
    made.setResult(42);
    assert.equal(await withTimeout(got.result(), 10_000, 'result()'), 42);
    const both = [new Future<string>(), new Future<string>()];
    both.forEach((f, i) => f.setResult(`v${i}`));
    assert.deepEqual(await withTimeout(Promise.all(both.map((f) => f.result())), 10_000, 'Promise.all of results'), ['v0', 'v1']);
  });
});
