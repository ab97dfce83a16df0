/**
 * One at a time: tasks given to the same Serial run one after another, in the order given.
 * A --jobs run's own process has one set of worker groups (pools.ts, one group per thread count):
 * the configurations it runs in process and the controlled searches after free failures take turns on it.
 */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
