/**
 * Batching per turn changes how often the shared counter is called, never what a request is told:
 * each hit gets the count it would have got alone, a limit of N lets exactly N through on every
 * counter and across instances, and a counter's failure reaches every request of its batch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RateLimitCounter } from '@latchkey/core';
import { createSqlRateLimitCounter, type SqlStore } from '@latchkey/store';
import { databases } from '../testing/harness.ts';
import { batchPerTurn, RELEASE_DELAY_MS } from './batched-rate-limit-counter.ts';
import { createMemoryRateLimitCounter } from './memory-rate-limit-counter.ts';
import { createRedisRateLimitCounter } from './redis-rate-limit-counter.ts';

const WINDOW = 60_000;
const NOW = Date.parse('2026-06-01T12:00:30Z');
const REDIS_URL = process.env.LATCHKEY_TEST_REDIS_URL;

/** The calls a counter received, with their arguments. */
type Call = { method: 'hit' | 'release'; keys: string[]; counts: number[] | undefined };

/** Wraps a counter, recording each call it gets. */
function recording(counter: RateLimitCounter): { counter: RateLimitCounter; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    counter: {
      hit(keys, windowMs, now, counts) {
        calls.push({ method: 'hit', keys: [...keys], counts: counts && [...counts] });
        return counter.hit(keys, windowMs, now, counts);
      },
      peek: (keys, windowMs, now) => counter.peek(keys, windowMs, now),
      release(keys, windowMs, now, counts) {
        calls.push({ method: 'release', keys: [...keys], counts: counts && [...counts] });
        return counter.release(keys, windowMs, now, counts);
      },
    },
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('rate-limit counting batched per turn', () => {
  it('sends the hits of one turn as one call and gives each its own count, in call order', async () => {
    const { counter, calls } = recording(createMemoryRateLimitCounter());
    const batched = batchPerTurn(counter);
    const answers = await Promise.all([
      batched.hit(['ip:a', 'app'], WINDOW, NOW),
      batched.hit(['ip:a'], WINDOW, NOW),
      batched.hit(['ip:b', 'app'], WINDOW, NOW + 1),
      batched.hit(['app', 'ip:a'], WINDOW, NOW + 2),
    ]);
    assert.deepEqual(answers, [[1, 1], [2], [1, 2], [3, 3]]);
    assert.deepEqual(calls, [{ method: 'hit', keys: ['ip:a', 'app', 'ip:b'], counts: [3, 3, 1] }]);
    // The next turn is a call of its own, counting on.
    assert.deepEqual(await batched.hit(['ip:a'], WINDOW, NOW), [4]);
    assert.equal(calls.length, 2);
  });

  it('sends the give-backs of a few milliseconds as one call, creating nothing', async () => {
    const { counter, calls } = recording(createMemoryRateLimitCounter());
    const batched = batchPerTurn(counter);
    await Promise.all([1, 2, 3].map(() => batched.hit(['ip:a'], WINDOW, NOW)));
    await Promise.all([
      batched.release(['ip:a'], WINDOW, NOW),
      batched.release(['ip:a'], WINDOW, NOW),
      batched.release(['never-hit'], WINDOW, NOW),
    ]);
    assert.deepEqual(calls.at(-1), {
      method: 'release',
      keys: ['ip:a', 'never-hit'],
      counts: [2, 1],
    });
    assert.deepEqual(await counter.peek(['ip:a', 'never-hit'], WINDOW, NOW), [1, 0]);
  });

  it('nets a give-back into a hit of the same key and window in the same turn, give-back first', async () => {
    const { counter, calls } = recording(createMemoryRateLimitCounter());
    const batched = batchPerTurn(counter);
    await Promise.all([1, 2, 3].map(() => batched.hit(['ip:a'], WINDOW, NOW)));
    calls.length = 0;
    // A success gives its slot back as the next finish takes one: as if one by one, 3 - 1 + 1.
    const [, [count]] = await Promise.all([
      batched.release(['ip:a'], WINDOW, NOW),
      batched.hit(['ip:a'], WINDOW, NOW + 5),
    ]);
    assert.equal(count, 3);
    assert.deepEqual(calls, [{ method: 'hit', keys: ['ip:a'], counts: [0] }]);
    // More give-backs than hits in the turn: the total still comes back right.
    const [, , [after]] = await Promise.all([
      batched.release(['ip:a'], WINDOW, NOW),
      batched.release(['ip:a'], WINDOW, NOW),
      batched.hit(['ip:a'], WINDOW, NOW),
    ]);
    assert.equal(after, 2);
    assert.deepEqual(await counter.peek(['ip:a'], WINDOW, NOW), [2]);
  });

  it('keeps windows apart: a give-back goes to the window of its hit, even in a later one', async () => {
    const { counter, calls } = recording(createMemoryRateLimitCounter());
    const batched = batchPerTurn(counter);
    await batched.hit(['ip:a'], WINDOW, NOW);
    calls.length = 0;
    const [, [next]] = await Promise.all([
      batched.release(['ip:a'], WINDOW, NOW),
      batched.hit(['ip:a'], WINDOW, NOW + WINDOW),
    ]);
    assert.equal(next, 1, 'the next window starts from one');
    assert.deepEqual(calls.map((c) => c.method).sort(), ['hit', 'release']);
    assert.deepEqual(await counter.peek(['ip:a'], WINDOW, NOW), [0]);
  });

  it("rejects every request of a batch with the counter's error, and the next turn works", async () => {
    const memory = createMemoryRateLimitCounter();
    let failing = true;
    const broken = new Error('the database is away');
    const batched = batchPerTurn({
      hit: (keys, windowMs, now, counts) =>
        failing ? Promise.reject(broken) : memory.hit(keys, windowMs, now, counts),
      peek: (keys, windowMs, now) => memory.peek(keys, windowMs, now),
      release(keys, windowMs, now, counts) {
        // A counter that fails before it returns a promise fails its batch the same way.
        if (failing) throw broken;
        return memory.release(keys, windowMs, now, counts);
      },
    });
    const results = await Promise.allSettled([
      batched.hit(['a'], WINDOW, NOW),
      batched.hit(['a', 'b'], WINDOW, NOW),
      batched.release(['c'], WINDOW, NOW),
      batched.hit(['d'], WINDOW, NOW + WINDOW),
    ]);
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      assert.equal(result.reason, broken);
    }
    failing = false;
    assert.deepEqual(await batched.hit(['a'], WINDOW, NOW), [1]);
  });

  it('a give-back that fails rejects the hits netted with it too, and nothing else', async () => {
    const memory = createMemoryRateLimitCounter();
    const broken = new Error('no answer');
    const batched = batchPerTurn({
      hit: (keys, windowMs, now, counts) =>
        keys.includes('bad') ? Promise.reject(broken) : memory.hit(keys, windowMs, now, counts),
      peek: (keys, windowMs, now) => memory.peek(keys, windowMs, now),
      release: (keys, windowMs, now, counts) => memory.release(keys, windowMs, now, counts),
    });
    const results = await Promise.allSettled([
      batched.release(['bad'], WINDOW, NOW),
      batched.hit(['bad'], WINDOW, NOW),
      batched.hit(['good'], WINDOW, NOW + WINDOW),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected', 'fulfilled'],
    );
  });

  it('drain sends what is queued at once and waits for every answer', async () => {
    const { counter, calls } = recording(createMemoryRateLimitCounter());
    const batched = batchPerTurn(counter);
    await batched.hit(['ip:a'], WINDOW, NOW);
    const release = batched.release(['ip:a'], WINDOW, NOW);
    await batched.drain();
    assert.equal(calls.at(-1)?.method, 'release');
    assert.deepEqual(await counter.peek(['ip:a'], WINDOW, NOW), [0]);
    await release;
    // Nothing queued: it resolves at once.
    await batched.drain();
  });

  it('sends what is pending before a peek, so that it sees every hit and give-back before it', async () => {
    const { counter, calls } = recording(createMemoryRateLimitCounter());
    const batched = batchPerTurn(counter);
    await batched.hit(['ip:a'], WINDOW, NOW);
    void batched.release(['ip:a'], WINDOW, NOW);
    const hit = batched.hit(['ip:b'], WINDOW, NOW);
    assert.deepEqual(await batched.peek(['ip:a', 'ip:b', 'none'], WINDOW, NOW), [0, 1, 0]);
    assert.deepEqual(await hit, [1]);
    assert.deepEqual(
      calls.map((c) => c.method),
      ['hit', 'hit', 'release'],
    );
  });

  it('holds the next hits while a call is unanswered, and sends them together when it answers', async () => {
    const memory = createMemoryRateLimitCounter();
    let answer: () => void = () => {};
    const { counter, calls } = recording({
      ...memory,
      peek: (keys, windowMs, now) => memory.peek(keys, windowMs, now),
      release: (keys, windowMs, now, counts) => memory.release(keys, windowMs, now, counts),
      // The first call answers only when told to, like a slow round trip.
      async hit(keys, windowMs, now, counts) {
        if (calls.length === 1) await new Promise<void>((resolve) => (answer = resolve));
        return memory.hit(keys, windowMs, now, counts);
      },
    });
    const batched = batchPerTurn(counter);
    const first = batched.hit(['k'], WINDOW, NOW);
    await turn();
    await turn();
    const later = [1, 2, 3].map(async (t) => {
      for (let i = 0; i < t; i++) await turn();
      return batched.hit(['k'], WINDOW, NOW);
    });
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(calls.length, 1, 'nothing sent while the first call is unanswered');
    answer();
    assert.deepEqual(await first, [1]);
    assert.deepEqual((await Promise.all(later)).flat(), [2, 3, 4]);
    assert.equal(calls.length, 2);
  });

  it('sends a lone give-back within the delay, with no hit to carry it', async () => {
    const { counter, calls } = recording(createMemoryRateLimitCounter());
    const batched = batchPerTurn(counter);
    await batched.hit(['ip:a'], WINDOW, NOW);
    const started = performance.now();
    await batched.release(['ip:a'], WINDOW, NOW);
    assert.ok(performance.now() - started >= RELEASE_DELAY_MS - 1);
    assert.equal(calls.at(-1)?.method, 'release');
    assert.deepEqual(await counter.peek(['ip:a'], WINDOW, NOW), [0]);
  });
});

/** The shared counters the server batches, each opened twice: two instances on one store. */
const shared: {
  name: string;
  skip: string | false;
  open(): Promise<{ counters: [RateLimitCounter, RateLimitCounter]; close(): Promise<void> }>;
}[] = [
  ...databases().map((db) => ({
    name: db.name,
    skip: false as const,
    async open() {
      const opened = await db.open();
      const sqlDb = (opened.store as SqlStore).db;
      return {
        counters: [createSqlRateLimitCounter(sqlDb), createSqlRateLimitCounter(sqlDb)] as [
          RateLimitCounter,
          RateLimitCounter,
        ],
        close: () => opened.cleanup(),
      };
    },
  })),
  {
    name: 'redis',
    skip: REDIS_URL ? false : 'LATCHKEY_TEST_REDIS_URL is unset: Redis tests skipped',
    async open() {
      const one = createRedisRateLimitCounter(REDIS_URL as string);
      const two = createRedisRateLimitCounter(REDIS_URL as string);
      return {
        counters: [one, two],
        close: async () => {
          await one.close();
          await two.close();
        },
      };
    },
  },
];

for (const target of shared) {
  describe(`batched per turn, two instances on one counter (${target.name})`, {
    skip: target.skip,
  }, () => {
    let counters: [RateLimitCounter, RateLimitCounter];
    let close: () => Promise<void>;
    const key = (name: string) => `batch-test:${process.pid}:${Date.now()}:${name}`;
    before(async () => {
      ({ counters, close } = await target.open());
    });
    after(() => close());

    it('gives 120 concurrent hits over both instances 120 distinct counts, over several turns', async () => {
      const [one, two] = counters.map((c) => batchPerTurn(c));
      const k = key('exact');
      const hits = Array.from({ length: 120 }, async (_, i) => {
        // Spread over a few turns, as requests arrive.
        for (let t = 0; t < i % 4; t++) await turn();
        const [count] = await (i % 2 === 0 ? one : two)!.hit([k], WINDOW, NOW);
        return count as number;
      });
      const counts = await Promise.all(hits);
      assert.deepEqual(
        [...counts].sort((a, b) => a - b),
        Array.from({ length: 120 }, (_, i) => i + 1),
      );
    });

    it('lets exactly N of 100 through a limit of N, with slots given back as they go', async () => {
      const [one, two] = counters.map((c) => batchPerTurn(c));
      const k = key('limit');
      const limit = 30;
      let admitted = 0;
      let passing = 0;
      let most = 0;
      // Each admitted request holds its slot for a turn, then gives it back, as a successful
      // finish does: at no moment may more than the limit hold one.
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const counter = (i % 2 === 0 ? one : two)!;
          const [count] = await counter.hit([k], WINDOW, NOW);
          if ((count as number) > limit) return;
          admitted++;
          passing++;
          most = Math.max(most, passing);
          await turn();
          passing--;
          await counter.release([k], WINDOW, NOW);
        }),
      );
      assert.ok(admitted >= limit, `${admitted} admitted`);
      assert.ok(most <= limit, `${most} held a slot at once`);
      await one!.drain();
      await two!.drain();
    });

    it('refuses the 31st of 31 hits in one turn against a limit of 30', async () => {
      const [one, two] = counters.map((c) => batchPerTurn(c));
      const k = key('one-turn');
      const counts = await Promise.all(
        Array.from({ length: 31 }, async (_, i) => {
          const [count] = await (i % 2 === 0 ? one : two)!.hit([k], WINDOW, NOW);
          return count as number;
        }),
      );
      assert.equal(counts.filter((c) => c <= 30).length, 30);
      assert.equal(counts.filter((c) => c > 30).length, 1);
    });
  });
}
