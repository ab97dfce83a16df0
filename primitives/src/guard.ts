/** A scope guard: `using g = lock.guard();` releases at the end of the block, also on throw. */
export interface Guard extends Disposable {
  release(): void;
}

export function makeGuard(release: () => void): Guard {
  let released = false;
  const once = (): void => {
    if (released) return;
    released = true;
    release();
  };
  return { release: once, [Symbol.dispose]: once };
}
