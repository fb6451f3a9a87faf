/**
 * The port of the abuse limits' shared counters. The core owns the interface; the store (SQL) and
 * the server (memory, Redis) implement it, so that the limits never depend on where they count.
 */

/** Counts events per key in fixed windows. */
export interface RateLimitCounter {
  /**
   * Adds one to each key's current window and returns the new counts, in the keys' order. Each
   * count is atomic: concurrent hits on one key each see a distinct count. Keys must be distinct.
   */
  hit(keys: readonly string[], windowMs: number, now: number): Promise<number[]>;
  /** The keys' counts in the current window, in order, without adding to them. */
  peek(keys: readonly string[], windowMs: number, now: number): Promise<number[]>;
  /**
   * Takes one back from each key's window that holds `now` (the time of the hit it undoes), never
   * below zero. A hit may reserve a slot before the work it limits, and give it back once the work
   * turns out not to count (a finish that succeeds).
   */
  release(keys: readonly string[], windowMs: number, now: number): Promise<void>;
}
