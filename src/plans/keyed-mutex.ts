/**
 * One transition at a time per plan within a process. Correctness across instances comes from
 * ETags (transition.ts); this only spares one instance from racing itself, which on a fan-in of
 * 1,000 answers would otherwise mean hundreds of ETag conflicts and redeliveries.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
