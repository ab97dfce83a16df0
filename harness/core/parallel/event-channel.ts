/**
 * Events from callbacks (groups running side by side report through them) read by one async
 * generator: push() queues, next() waits for the next one, close() ends the stream once drained,
 * fail() ends it with an error.
 */
export class EventChannel<T> {
  readonly #queue: T[] = [];
  #wake: (() => void) | null = null;
  #closed = false;
  #error: { error: unknown } | undefined;

  push(event: T): void {
    this.#queue.push(event);
    this.#wake?.();
  }

  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  fail(error: unknown): void {
    this.#error ??= { error };
    this.#wake?.();
  }

  /** The events as they come, until closed (what was queued first) or failed (at once). */
  async *drain(): AsyncGenerator<T, void> {
    for (;;) {
      if (this.#error !== undefined) throw this.#error.error;
      const next = this.#queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.#closed) return;
      // Woken by push, close or fail; each calls #wake after changing what is checked above.
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = null;
    }
  }
}
