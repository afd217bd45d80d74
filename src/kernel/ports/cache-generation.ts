/**
 * What caches of stored settings (the policy sets, users' agents) compare their entries with.
 * Whoever changes such a setting advances it once the change is committed; an entry loaded under
 * an older generation is not used again. A host whose threads share one store gives them one
 * generation (the embedded host: a counter in shared memory), so a change made through any
 * thread takes effect in every thread at once. Changes made by another instance of the system
 * are still seen only when a cache entry expires.
 */
export interface CacheGeneration {
  current(): number;
  advance(): void;
}

/** A generation for one thread (the default). */
export function localCacheGeneration(): CacheGeneration {
  let generation = 0;
  return {
    current: () => generation,
    advance: () => {
      generation += 1;
    },
  };
}
