/**
 * The port of the abuse limits' shared counters. The core owns the interface; the store (SQL) and
 * the server (memory, Redis) implement it, so that the limits never depend on where they count.
 */

/** Counts events per key in fixed windows. */
export interface RateLimitCounter {
  /**
   * Adds one to each key's current window (or `counts[i]` to key `i`: the hits of several requests
   * on one key, added at once) and returns the new counts, in the keys' order. Each addition is
   * atomic: concurrent hits on one key, on any instance, each see a distinct count, so a limit of N
   * lets exactly N through. Keys must be distinct.
   *
   * A count of zero or less gives back slots in the same call: it is only ever sent for a window in
   * which at least that many slots of the key are held, so a count never goes below zero.
   */
  hit(
    keys: readonly string[],
    windowMs: number,
    now: number,
    counts?: readonly number[],
  ): Promise<number[]>;
  /** The keys' counts in the current window, in order, without adding to them. */
  peek(keys: readonly string[], windowMs: number, now: number): Promise<number[]>;
  /**
   * Takes one (or `counts[i]`) back from each key's window that holds `now` (the time of the hit it
   * undoes), never below zero, and creates no window. A hit may reserve a slot before the work it
   * limits, and give it back once the work turns out not to count (a finish that succeeds). Keys
   * must be distinct.
   */
  release(
    keys: readonly string[],
    windowMs: number,
    now: number,
    counts?: readonly number[],
  ): Promise<void>;
}
