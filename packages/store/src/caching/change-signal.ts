/**
 * What tells a store's caches that rows they hold may have changed behind their back: written by
 * another process (a CLI, another instance), not through this store. Writes through this store
 * forget their own entries at once; this covers everything else.
 */
export interface ChangeSignal {
  /**
   * A number that differs from the one read before whenever configuration rows may have been
   * changed elsewhere since. Read at most once per event-loop turn by each cache, so it must be
   * cheap.
   */
  version(): number;
  /** Stops listening (PostgreSQL's notifications); idempotent. */
  close(): Promise<void>;
}

/**
 * A signal for a store that cannot hear about changes: every turn is a new version, so caches keep
 * nothing past the turn that read it.
 *
 * @example
 * const cache = configCache<AppRecord | null>(everyTurn());
 */
export function everyTurn(): ChangeSignal {
  let version = 0;
  return {
    version: () => ++version,
    close: () => Promise.resolve(),
  };
}
