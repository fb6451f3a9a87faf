/** Rate-limit counters in this process only: for a server built without a shared counter. */
import type { RateLimitCounter } from '@latchkey/core';

/**
 * Fixed windows in a Map. Right for one instance; several instances need a shared counter (the
 * database or Redis), or each would allow the limit on its own.
 *
 * @example
 * const counter = createMemoryRateLimitCounter();
 */
export function createMemoryRateLimitCounter(): RateLimitCounter {
  const windows = new Map<string, number>();
  let swept = 0;
  const keyOf = (key: string, windowMs: number, now: number): string =>
    `${now - (now % windowMs)}|${key}`;
  const sweep = (windowMs: number, now: number): void => {
    // Once a window, forget the windows before the previous one.
    if (now - swept < windowMs) return;
    swept = now;
    const oldest = now - (now % windowMs) - windowMs;
    for (const key of windows.keys()) {
      if (Number(key.slice(0, key.indexOf('|'))) < oldest) windows.delete(key);
    }
  };
  return {
    async hit(keys, windowMs, now, counts) {
      sweep(windowMs, now);
      return keys.map((key, i) => {
        const k = keyOf(key, windowMs, now);
        const count = (windows.get(k) ?? 0) + (counts?.[i] ?? 1);
        windows.set(k, count);
        return count;
      });
    },
    async peek(keys, windowMs, now) {
      return keys.map((key) => windows.get(keyOf(key, windowMs, now)) ?? 0);
    },
    async release(keys, windowMs, now, counts) {
      keys.forEach((key, i) => {
        const k = keyOf(key, windowMs, now);
        const count = windows.get(k);
        if (count !== undefined) windows.set(k, Math.max(0, count - (counts?.[i] ?? 1)));
      });
    },
  };
}
