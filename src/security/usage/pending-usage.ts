/**
 * Counts not yet written to the store (write-behind). Counting every event with four store
 * increments made the counters the embedded host's biggest cost; buffering them for a fraction
 * of a second turns thousands of increments into a handful per user and bucket.
 *
 * What it costs: counts reach the store (and other instances) up to one flush interval late,
 * and a crash loses at most that interval's counts — rate limits and budgets undercount by it.
 * Counts the same instance made are always included in its own reads.
 */
export type Fields = Record<string, number>;

interface PendingBucket {
  /** The StateStore kind the bucket is written to (keys of different kinds never collide: see their prefixes). */
  kind: string;
  fields: Fields;
  expiresAt: Date;
}

export class PendingUsage {
  #byUser = new Map<string, Map<string, PendingBucket>>();

  get size(): number {
    return this.#byUser.size;
  }

  add(userId: string, kind: string, key: string, fields: Readonly<Fields>, expiresAt: Date): void {
    let buckets = this.#byUser.get(userId);
    if (!buckets) this.#byUser.set(userId, (buckets = new Map<string, PendingBucket>()));
    const bucket = buckets.get(key);
    if (bucket) addInto(bucket.fields, fields);
    else buckets.set(key, { kind, fields: { ...fields }, expiresAt });
  }

  /** What this instance counted for a bucket and has not written yet. */
  of(userId: string, key: string): Readonly<Fields> | undefined {
    return this.#byUser.get(userId)?.get(key)?.fields;
  }

  /** What this instance counted and has not written yet for the user's keys starting with `prefix`. */
  startingWith(userId: string, prefix: string): Array<[key: string, fields: Readonly<Fields>]> {
    return [...(this.#byUser.get(userId) ?? [])].filter(([key]) => key.startsWith(prefix)).map(([key, bucket]) => [key, bucket.fields]);
  }

  /** Takes everything pending, leaving nothing: the caller writes it (and puts back what fails). */
  drain(): Array<{ userId: string; kind: string; key: string; fields: Fields; expiresAt: Date }> {
    const drained = [...this.#byUser].flatMap(([userId, buckets]) => [...buckets].map(([key, bucket]) => ({ userId, key, ...bucket })));
    this.#byUser = new Map();
    return drained;
  }
}

export function addInto(target: Fields, fields: Readonly<Fields>): void {
  for (const [name, value] of Object.entries(fields)) target[name] = (target[name] ?? 0) + value;
}
