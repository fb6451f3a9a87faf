/**
 * A read cache for the configuration rows that nearly every request needs (an app, an API key,
 * an app's webhook subscriptions), kept across requests while nothing says they changed.
 *
 * Why: a sign-in's four requests each read their app, and the app backend's two each read an API
 * key; on PostgreSQL each read is a round trip. These rows change rarely and only by an operator.
 *
 * Why it is safe:
 * - A write through the same store forgets its entry at once (before and after the write, so a
 *   read racing the write cannot put the old row back).
 * - A write by anyone else (a CLI, another instance) changes the store's {@link ChangeSignal}
 *   (SQLite's `data_version`, PostgreSQL's notifications), checked once per event-loop turn; the
 *   cache then starts afresh. Requests handled before the signal changed were concurrent with
 *   the write, as if they had arrived a moment earlier.
 * - No entry outlives `maxAgeMs`, whatever the signal says: the bound on staleness should a
 *   signal be lost without anyone noticing.
 * - Values are frozen, since callers share them.
 */
import type { ChangeSignal } from './change-signal.ts';
import { currentTurn } from './turn.ts';

/** Options of {@link configCache}. */
export interface ConfigCacheOptions {
  /** What says that rows may have changed elsewhere. */
  changes: ChangeSignal;
  /** The longest an entry is used, in milliseconds. Default 2,000. */
  maxAgeMs?: number;
  /** The most entries held; the oldest go first. Default 10,000. */
  maxEntries?: number;
}

/** A cache of one kind of configuration row, by key. */
export interface ConfigCache<V> {
  /** The value for `key`, loaded by `load` when not held (or no longer fresh), then shared. */
  get(key: string, load: () => Promise<V>): Promise<V>;
  /** Drops `key` (after a write through this store). */
  forget(key: string): void;
}

interface Entry<V> {
  value: Promise<V>;
  loadedAt: number;
}

/**
 * @example
 * const apps = configCache<AppRecord | null>({ changes });
 * const app = await apps.get(id, () => readApp(id));
 */
export function configCache<V>(options: ConfigCacheOptions): ConfigCache<V> {
  const maxAgeMs = options.maxAgeMs ?? 2_000;
  const maxEntries = options.maxEntries ?? 10_000;
  let entries = new Map<string, Entry<V>>();
  let checkedTurn = -1;
  let version: number | null = null;

  const checkSignal = (): void => {
    const turn = currentTurn();
    if (turn === checkedTurn) return;
    checkedTurn = turn;
    const now = options.changes.version();
    if (now !== version) {
      version = now;
      entries = new Map();
    }
  };

  return {
    get(key, load) {
      checkSignal();
      const now = Date.now();
      const held = entries.get(key);
      if (held && now - held.loadedAt < maxAgeMs) return held.value;
      const map = entries;
      const value = load().then(deepFreeze);
      if (held) map.delete(key);
      if (map.size >= maxEntries) {
        const oldest = map.keys().next().value;
        if (oldest !== undefined) map.delete(oldest);
      }
      const entry = { value, loadedAt: now };
      map.set(key, entry);
      // A failed read is not remembered.
      value.catch(() => {
        if (map.get(key) === entry) map.delete(key);
      });
      return value;
    },
    forget(key) {
      entries.delete(key);
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
