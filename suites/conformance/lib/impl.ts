/**
 * What every conformance suite shares: the implementation comes from
 * params.impl (a module URL), is loaded by the suite's `prepare` hook in the
 * main thread and in each worker, and is then looked up synchronously.
 */
import { yieldPoint } from '@shakedown/primitives';
import { loadImpl, loadedImpl } from '../../../harness/contract/load-impl.js';
import type { ImplKind, ImplModule } from '../../../harness/contract/types.js';
import type { SuiteContext, VariantSpec } from '../../../harness/suite-api.js';

export type ImplParams = { impl: string };

export const ourImpl = (kind: ImplKind): string => new URL(`../../impls/shakedown-${kind}.js`, import.meta.url).href;
export const galleryImpl = (name: string): string => new URL(`../../gallery/${name}.js`, import.meta.url).href;

/** A gallery entry as a canary variant: its name is the entry's file name. */
export function galleryVariant(name: string, bug: string, extra: Partial<VariantSpec> = {}): Record<string, VariantSpec> {
  return { [name]: { description: `broken on purpose, see suites/gallery/${name}.ts`, canary: true, bug, ...extra, params: { ...(extra.params ?? {}), impl: galleryImpl(name) } } };
}

export const prepareImpl = async (ctx: SuiteContext): Promise<void> => {
  await loadImpl(String(ctx.params.impl));
};

export function implOf(ctx: { params: { impl?: unknown } }): ImplModule {
  return loadedImpl(String(ctx.params.impl));
}

/**
 * Whether the module honours the timeout of its blocking calls (the default). `timeouts: false`
 * declares it does not (a lock with only lock()/unlock(), a queue with only blocking put/get): the
 * suites then make blocking calls only and skip the checks that need a timeout.
 */
export function hasTimeouts(ctx: { params: { impl?: unknown } }): boolean {
  return implOf(ctx).capabilities?.timeouts !== false;
}

/**
 * The trace label of a call with a timeout: if it hangs (a module that blocks instead), the hang
 * report names the call and what to declare.
 */
export function timedCall(ctx: { params: { impl?: unknown } }, call: string): string {
  const kind = implOf(ctx).kind;
  return `${call} [timed: ${kind === 'event' || kind === 'rlock' ? 'an' : 'a'} ${kind} without timeouts declares timeouts: false]`;
}

/** Attaches this thread's view of the primitive. */
export function attached<I>(ctx: { params: { impl?: unknown } }, handle: unknown): I {
  return implOf(ctx).attach(handle) as I;
}

/**
 * Calls one contract operation between two yield points: jitter lands at the
 * operation's boundaries (user modules have no yield points of their own) and
 * the trace names each call.
 */
export function op<T>(name: string, fn: () => T): T {
  yieldPoint('user', name);
  const r = fn();
  yieldPoint('user', `${name} done`);
  return r;
}

/** What the lock, rlock and semaphore suites acquire: acquire(timeoutMs?) and maybe tryAcquire(). */
interface Acquirable {
  acquire(timeoutMs?: number): boolean;
  tryAcquire?(): boolean;
}

/**
 * One acquisition in a style (the suite picks each thread's): 0 blocks in acquire(); 1 spins on
 * tryAcquire() (acquire(0) without one); 2 retries acquire(0 or 1 ms), timeouts racing releases.
 * Styles 1 and 2 give up at `deadline` and call `starved`: false.
 */
export function acquireInStyle(p: Acquirable, ctx: ActorContextLike, style: number, deadline: number, starved: () => void): boolean {
  if (style === 0) return op('acquire()', () => p.acquire());
  while (performance.now() < deadline) {
    const got =
      style === 2
        ? op(timedCall(ctx, 'acquire(t)'), () => p.acquire(ctx.random() < 0.5 ? 0 : 1))
        : p.tryAcquire
          ? op('tryAcquire()', () => p.tryAcquire!())
          : op(timedCall(ctx, 'acquire(0)'), () => p.acquire(0));
    if (got) return true;
  }
  starved();
  return false;
}

type ActorContextLike = { params: { impl?: unknown }; random: () => number };
