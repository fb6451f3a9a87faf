/** Rate-limit counters in Redis, for deployments that would rather not write them to the database. */
import type { RateLimitCounter } from '@latchkey/core';
import { Redis } from 'ioredis';

/**
 * Fixed windows as `INCR` on a key that expires with its window: atomic, and shared by every
 * instance that uses the same Redis.
 *
 * @example
 * const counter = createRedisRateLimitCounter('redis://127.0.0.1:6379');
 */
export function createRedisRateLimitCounter(
  url: string,
): RateLimitCounter & { close(): Promise<void>; ping(): Promise<boolean> } {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
  });
  // Gives a slot back only where the window still exists and holds one: a DECR on an expired key
  // would create it at -1, and a key without an expiry would never go away.
  const RELEASE = `for _, k in ipairs(KEYS) do
    local n = tonumber(redis.call('GET', k) or '0')
    if n > 0 then redis.call('DECR', k) end
  end
  return 0`;
  const windowKey = (key: string, windowMs: number, now: number): string =>
    `latchkey:rl:${key}:${now - (now % windowMs)}`;
  return {
    async hit(keys, windowMs, now) {
      if (keys.length === 0) return [];
      // One round trip for all the keys: INCR and PEXPIRE for each.
      const multi = redis.multi();
      for (const key of keys) {
        const k = windowKey(key, windowMs, now);
        multi.incr(k).pexpire(k, 2 * windowMs);
      }
      const results = (await multi.exec()) ?? [];
      return keys.map((_, i) => {
        const [incrError, count] = results[2 * i] ?? [new Error('no answer from Redis')];
        const [expireError] = results[2 * i + 1] ?? [null];
        if (incrError) throw incrError;
        if (expireError) throw expireError;
        return Number(count);
      });
    },
    async peek(keys, windowMs, now) {
      if (keys.length === 0) return [];
      const values = await redis.mget(keys.map((key) => windowKey(key, windowMs, now)));
      return values.map((value) => (value === null ? 0 : Number(value)));
    },
    async release(keys, windowMs, now) {
      if (keys.length === 0) return;
      // One round trip: the script runs atomically on the server.
      await redis.eval(RELEASE, keys.length, ...keys.map((key) => windowKey(key, windowMs, now)));
    },
    async ping() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
