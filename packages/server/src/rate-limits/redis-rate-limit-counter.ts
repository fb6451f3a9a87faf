/** Rate-limit counters in Redis, for deployments that would rather not write them to the database. */
import type { RateLimitCounter } from '@latchkey/core';
import { Redis } from 'ioredis';

/**
 * Adds ARGV[i + 1] to each window KEYS[i] and sets it to expire ARGV[1] ms from now; returns the
 * new counts. One command (EVALSHA) instead of a MULTI of two commands per key: the client then
 * encodes and parses one command and one reply, and the script is atomic like the MULTI was.
 */
const HIT = `local counts = {}
for i, k in ipairs(KEYS) do
  counts[i] = redis.call('INCRBY', k, ARGV[i + 1])
  redis.call('PEXPIRE', k, ARGV[1])
end
return counts`;

/**
 * Gives ARGV[i] slots back to each window KEYS[i], only where the window still exists and holds
 * some, never below zero: a DECRBY on an expired key would create it negative, and a key without
 * an expiry would never go away.
 */
const RELEASE = `for i, k in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', k) or '0')
  if n > 0 then redis.call('DECRBY', k, math.min(n, tonumber(ARGV[i]))) end
end
return 0`;

/** The scripts, as ioredis defines them: EVALSHA, falling back to EVAL once after a restart. */
interface Scripts {
  latchkeyHit(keyCount: number, ...keysAndArgs: (string | number)[]): Promise<number[]>;
  latchkeyRelease(keyCount: number, ...keysAndArgs: (string | number)[]): Promise<number>;
}

/**
 * Fixed windows as `INCRBY` on a key that expires with its window: atomic, and shared by every
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
  redis.defineCommand('latchkeyHit', { lua: HIT });
  redis.defineCommand('latchkeyRelease', { lua: RELEASE });
  const scripts = redis as unknown as Scripts;
  const windowKey = (key: string, windowMs: number, now: number): string =>
    `latchkey:rl:${key}:${now - (now % windowMs)}`;
  const amounts = (keys: readonly string[], counts?: readonly number[]): number[] =>
    keys.map((_, i) => counts?.[i] ?? 1);
  return {
    async hit(keys, windowMs, now, counts) {
      if (keys.length === 0) return [];
      const windows = keys.map((key) => windowKey(key, windowMs, now));
      const results = await scripts.latchkeyHit(
        keys.length,
        ...windows,
        2 * windowMs,
        ...amounts(keys, counts),
      );
      if (!Array.isArray(results) || results.length !== keys.length) {
        throw new Error('no answer from Redis');
      }
      return results.map(Number);
    },
    async peek(keys, windowMs, now) {
      if (keys.length === 0) return [];
      const values = await redis.mget(keys.map((key) => windowKey(key, windowMs, now)));
      return values.map((value) => (value === null ? 0 : Number(value)));
    },
    async release(keys, windowMs, now, counts) {
      if (keys.length === 0) return;
      // One round trip: the script runs atomically on the server.
      await scripts.latchkeyRelease(
        keys.length,
        ...keys.map((key) => windowKey(key, windowMs, now)),
        ...amounts(keys, counts),
      );
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
