/**
 * One contract for every rate-limit counter: the database's (SQLite and PostgreSQL), Redis, and
 * the in-process one, each on its own and batched per turn (as the server runs them). Each hit is
 * atomic, so N concurrent hits see N distinct counts; a release gives one back in the window of its
 * hit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSqlRateLimitCounter, type RateLimitCounter, type SqlStore } from '@latchkey/store';
import { databases } from '../testing/harness.ts';
import { batchPerTurn } from './batched-rate-limit-counter.ts';
import { createMemoryRateLimitCounter } from './memory-rate-limit-counter.ts';
import { createRedisRateLimitCounter } from './redis-rate-limit-counter.ts';

const REDIS_URL_VARIABLE = 'LATCHKEY_TEST_REDIS_URL';

interface CounterUnderTest {
  name: string;
  skip: string | false;
  open(): Promise<{ counter: RateLimitCounter; close(): Promise<void> }>;
}

function redisTarget(): CounterUnderTest {
  const url = process.env[REDIS_URL_VARIABLE];
  if (!url && process.env.CI) throw new Error(`${REDIS_URL_VARIABLE} is required in CI`);
  return {
    name: 'redis',
    skip: url ? false : `${REDIS_URL_VARIABLE} is unset: Redis tests skipped`,
    async open() {
      const counter = createRedisRateLimitCounter(url as string);
      return { counter, close: () => counter.close() };
    },
  };
}

const counters: CounterUnderTest[] = [
  ...databases().map((db) => ({
    name: db.name,
    skip: false as const,
    async open() {
      const opened = await db.open();
      return {
        counter: createSqlRateLimitCounter((opened.store as SqlStore).db),
        close: () => opened.cleanup(),
      };
    },
  })),
  redisTarget(),
  {
    name: 'memory',
    skip: false,
    async open() {
      return { counter: createMemoryRateLimitCounter(), close: async () => {} };
    },
  },
];

/** Each counter, and the same counter batched per turn. */
const targets: CounterUnderTest[] = counters.flatMap((target) => [
  target,
  {
    ...target,
    name: `${target.name}, batched per turn`,
    async open() {
      const opened = await target.open();
      const counter = batchPerTurn(opened.counter);
      return {
        counter,
        close: async () => {
          await counter.drain();
          await opened.close();
        },
      };
    },
  },
]);

const WINDOW = 60_000;

for (const target of targets) {
  describe(`rate-limit counter (${target.name})`, { skip: target.skip }, () => {
    let counter: RateLimitCounter;
    let close: () => Promise<void>;
    // A key of its own per run, so a shared Redis keeps runs apart.
    const key = (name: string) => `test:${process.pid}:${Date.now()}:${name}`;
    const now = Date.parse('2026-06-01T12:00:00Z');

    before(async () => {
      ({ counter, close } = await target.open());
    });
    after(() => close());

    it('counts hits in a window and peeks without counting', async () => {
      const k = key('a');
      assert.deepEqual(await counter.peek([k], WINDOW, now), [0]);
      assert.deepEqual(await counter.hit([k], WINDOW, now), [1]);
      assert.deepEqual(await counter.hit([k], WINDOW, now + 1000), [2]);
      assert.deepEqual(await counter.peek([k], WINDOW, now + 2000), [2]);
      assert.deepEqual(await counter.hit([k], WINDOW, now + 3000), [3]);
    });

    it('starts again in the next window', async () => {
      const k = key('b');
      await counter.hit([k], WINDOW, now);
      await counter.hit([k], WINDOW, now);
      assert.deepEqual(await counter.hit([k], WINDOW, now + WINDOW), [1]);
      assert.deepEqual(await counter.peek([k], WINDOW, now + WINDOW), [1]);
    });

    it('counts several keys in one call, each in its own window, in the order given', async () => {
      const [a, b, c] = [key('f'), key('g'), key('h')];
      await counter.hit([b], WINDOW, now);
      assert.deepEqual(await counter.hit([a, b], WINDOW, now), [1, 2]);
      assert.deepEqual(await counter.hit([b, a], WINDOW, now), [3, 2]);
      assert.deepEqual(await counter.peek([a, c, b], WINDOW, now), [2, 0, 3]);
      assert.deepEqual(await counter.hit([], WINDOW, now), []);
    });

    it('gives back a hit in the window it was made, never below zero, creating nothing', async () => {
      const [a, b, none] = [key('r1'), key('r2'), key('r3')];
      await counter.hit([a, b], WINDOW, now);
      await counter.hit([a], WINDOW, now);
      await counter.release([a, b], WINDOW, now + 1000);
      assert.deepEqual(await counter.peek([a, b], WINDOW, now), [1, 0]);
      await counter.release([b, none], WINDOW, now);
      assert.deepEqual(await counter.peek([b, none], WINDOW, now), [0, 0]);
      assert.deepEqual(await counter.hit([b], WINDOW, now), [1]);
      // A release names the window of its hit: a later window is untouched, and the next hit there
      // starts from one.
      await counter.release([a], WINDOW, now + WINDOW);
      assert.deepEqual(await counter.peek([a], WINDOW, now), [1]);
      assert.deepEqual(await counter.hit([a], WINDOW, now + WINDOW), [1]);
      await counter.release([], WINDOW, now);
    });

    it('adds a count per key in one call, and gives several back at once, never below zero', async () => {
      const [a, b, none] = [key('n1'), key('n2'), key('n3')];
      assert.deepEqual(await counter.hit([a, b], WINDOW, now, [3, 1]), [3, 1]);
      assert.deepEqual(await counter.hit([b, a], WINDOW, now, [4, 1]), [5, 4]);
      await counter.release([a, b, none], WINDOW, now, [2, 9, 1]);
      assert.deepEqual(await counter.peek([a, b, none], WINDOW, now), [2, 0, 0]);
      // Slots given back with a hit of the same call: the give-backs go first.
      assert.deepEqual(await counter.hit([a], WINDOW, now, [0]), [2]);
      assert.deepEqual(await counter.hit([a], WINDOW, now, [-1]), [1]);
      assert.deepEqual(await counter.peek([a], WINDOW, now), [1]);
    });

    it('keeps keys apart', async () => {
      const a = key('c');
      const b = key('d');
      await counter.hit([a], WINDOW, now);
      assert.deepEqual(await counter.peek([b], WINDOW, now), [0]);
    });

    it('gives 50 concurrent hits 50 distinct counts', async () => {
      const k = key('e');
      const counts = await Promise.all(
        Array.from({ length: 50 }, async () => (await counter.hit([k], WINDOW, now))[0]!),
      );
      assert.deepEqual(
        [...counts].sort((x, y) => x - y),
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
    });
  });
}
