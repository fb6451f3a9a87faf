/**
 * A read cache that lives for one event-loop turn: concurrent requests handled in the same turn
 * share one read of a row that every request needs (the app, the API key) instead of each reading
 * it two or three times.
 *
 * Why this is safe: requests handled in one turn are concurrent, so answering them all from one
 * read is what would happen had they arrived a moment earlier; the next turn reads afresh, so a
 * change made by another process (`latchkey apps update`, another instance) applies from the next
 * request on, and a change made through this store forgets the entry at once. Cached values are
 * frozen, since callers share them.
 */
export interface TurnCache<V> {
  /** The value for `key` read in this turn, or `load()`'s, shared until the turn ends. */
  get(key: string, load: () => Promise<V>): Promise<V>;
  /** Drops `key` (after a write through this store). */
  forget(key: string): void;
}

/**
 * @example
 * const apps = turnCache<AppRecord | null>();
 * const app = await apps.get(id, () => readApp(id));
 */
export function turnCache<V>(): TurnCache<V> {
  let entries: Map<string, Promise<V>> | null = null;
  return {
    get(key, load) {
      if (entries === null) {
        const current = new Map<string, Promise<V>>();
        entries = current;
        setImmediate(() => {
          if (entries === current) entries = null;
        });
      }
      const cached = entries.get(key);
      if (cached) return cached;
      const map = entries;
      const loaded = load().then(deepFreeze);
      map.set(key, loaded);
      // A failed read is not remembered.
      loaded.catch(() => {
        if (map.get(key) === loaded) map.delete(key);
      });
      return loaded;
    },
    forget(key) {
      entries?.delete(key);
    },
  };
}

function deepFreeze<V>(value: V): V {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
