/**
 * Rate-limit counting batched per event-loop turn: the hits of every request handled in one turn go
 * to the shared counter as one call (one statement, or one Redis command), and slots given back are
 * gathered for a few milliseconds and sent together. A counter call costs the server far more CPU
 * (a statement, a round trip through the kernel) than the arithmetic it does.
 *
 * Each request still gets its own count, exactly as if the hits had been sent one by one in the
 * order they were made: a turn's n hits on one key are one atomic addition of n, and the hits get
 * the n counts just below the total it returns. Across instances the additions stay atomic, so
 * concurrent hits anywhere see distinct counts and a limit of N lets exactly N through.
 *
 * - While a call is unanswered (a round trip to Redis or PostgreSQL), the next turns' hits wait
 *   and leave together when it answers: under load a round trip spans several turns. A counter
 *   that answers at once (SQLite) never makes anyone wait.
 * - A slot given back is held back for at most {@link RELEASE_DELAY_MS}. A hit on the same key and
 *   window in the meantime takes the give-back with it (the give-back first, as it came first):
 *   one call instead of two, and no race between them. The rest is sent when the delay ends, or at
 *   once by `drain`, which the server calls before it closes the store.
 */
import type { RateLimitCounter } from '@latchkey/core';

/**
 * How long a given-back slot may wait to be sent with others. The slot stays counted meanwhile, so
 * an address that finishes more than its failure limit's worth of sign-ins within this time gets
 * refused; at 30 a minute by default, that is thousands of sign-ins a second from one address.
 */
export const RELEASE_DELAY_MS = 10;

/** A hit call waiting for its counts. */
interface Waiter {
  keys: readonly string[];
  /** What the call adds to each key, and how much the batch's earlier calls added before it. */
  amounts: number[];
  before: number[];
  resolve(counts: number[]): void;
  reject(error: unknown): void;
}

/** A key's hits in one window, in one batch. */
interface Tally {
  key: string;
  hits: number;
  /** Give-backs of the key taken along (sent first, in the same addition). */
  released: number;
}

/** The hits of one window waiting for the next call. */
interface HitBatch {
  windowMs: number;
  start: number;
  tallies: Map<string, Tally>;
  waiters: Waiter[];
}

/** The give-backs of one window not yet sent, and who waits for them. */
interface ReleaseBatch {
  windowMs: number;
  start: number;
  amounts: Map<string, number>;
  /** The calls that carried some of them along with hits. */
  carried: Promise<unknown>[];
  settle: { promise: Promise<void>; resolve(): void; reject(error: unknown): void } | null;
}

/** A counter that batches; `drain` sends everything pending and waits for every answer. */
export interface BatchedRateLimitCounter extends RateLimitCounter {
  /** Sends every hit and give-back still pending now, and resolves once every call has answered. */
  drain(): Promise<void>;
}

const ignore = (): void => {};

/** Calls `call`, turning a synchronous throw into a rejection. */
function attempt<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (error) {
    return Promise.reject(error);
  }
}

const windowOf = (windowMs: number, now: number): number => now - (now % windowMs);

/**
 * Wraps a counter so that its calls are batched (sent in the check phase, with `setImmediate`,
 * after the turn's requests have run their hooks). `peek` first sends what is pending.
 *
 * @example
 * const counter = batchPerTurn(createSqlRateLimitCounter(store.db));
 * const [count] = await counter.hit(['start:ip:app1:203.0.113.9'], 60_000, Date.now());
 * await counter.drain(); // before closing the database
 */
export function batchPerTurn(counter: RateLimitCounter): BatchedRateLimitCounter {
  let hits: HitBatch[] = [];
  let releases: ReleaseBatch[] = [];
  let hitTimer: NodeJS.Immediate | null = null;
  let releaseTimer: NodeJS.Timeout | null = null;
  // Hit calls sent and unanswered; calls of any kind sent and unanswered, and who waits for them.
  let hitsRunning = 0;
  let running = 0;
  let idle: (() => void)[] = [];

  const track = (call: Promise<unknown>, isHit: boolean): void => {
    running++;
    if (isHit) hitsRunning++;
    const done = (): void => {
      running--;
      if (isHit) {
        hitsRunning--;
        // Hits that waited for this answer leave in the next check phase, with that turn's.
        if (hitsRunning === 0 && hits.length > 0 && hitTimer === null) {
          hitTimer = setImmediate(sendHits);
        }
      }
      if (running > 0) return;
      const wake = idle;
      idle = [];
      for (const resolve of wake) resolve();
    };
    call.then(done, done);
  };

  /** Sends one window's hits, with the give-backs of the same keys that are waiting. */
  const sendHitBatch = (batch: HitBatch): void => {
    const { windowMs, start, waiters } = batch;
    const tallies = [...batch.tallies.values()];
    const pooled = releases.find((r) => r.start === start && r.windowMs === windowMs);
    if (pooled) {
      for (const tally of tallies) {
        const amount = pooled.amounts.get(tally.key);
        if (amount === undefined) continue;
        tally.released = amount;
        pooled.amounts.delete(tally.key);
      }
    }
    const call = attempt(() =>
      counter.hit(
        tallies.map((t) => t.key),
        windowMs,
        start,
        tallies.map((t) => t.hits - t.released),
      ),
    );
    if (pooled && tallies.some((t) => t.released > 0)) pooled.carried.push(call);
    call.then(
      (totals) => {
        const byKey = new Map<string, { total: number; hits: number }>();
        tallies.forEach((t, i) => {
          byKey.set(t.key, { total: totals[i] as number, hits: t.hits });
        });
        for (const waiter of waiters) {
          waiter.resolve(
            waiter.keys.map((key, i) => {
              const { total, hits: all } = byKey.get(key) as { total: number; hits: number };
              // The batch's hits on the key are the last `all` of its total, in call order.
              return total - all + (waiter.before[i] as number) + (waiter.amounts[i] as number);
            }),
          );
        }
      },
      (error: unknown) => {
        for (const waiter of waiters) waiter.reject(error);
      },
    );
    track(call, true);
  };

  function sendHits(): void {
    if (hitTimer) clearImmediate(hitTimer);
    hitTimer = null;
    // One call at a time: what queues meanwhile goes with the next.
    if (hitsRunning > 0) return;
    const batches = hits;
    hits = [];
    for (const batch of batches) sendHitBatch(batch);
  }

  /** Sends the give-backs that no hit took along, and settles everyone who gave one back. */
  function sendReleases(): void {
    if (releaseTimer) clearTimeout(releaseTimer);
    releaseTimer = null;
    const batches = releases;
    releases = [];
    for (const batch of batches) {
      const calls = [...batch.carried];
      if (batch.amounts.size > 0) {
        const keys = [...batch.amounts.keys()];
        const call = attempt(() =>
          counter.release(
            keys,
            batch.windowMs,
            batch.start,
            keys.map((key) => batch.amounts.get(key) as number),
          ),
        );
        track(call, false);
        calls.push(call);
      }
      const all = calls.length === 1 ? (calls[0] as Promise<unknown>) : Promise.all(calls);
      if (batch.settle) all.then(batch.settle.resolve, batch.settle.reject);
    }
  }

  const hitBatchOf = (windowMs: number, start: number): HitBatch => {
    // Nearly always one window at a time: a scan beats a keyed map.
    for (const batch of hits) {
      if (batch.start === start && batch.windowMs === windowMs) return batch;
    }
    if (hitTimer === null && hitsRunning === 0) hitTimer = setImmediate(sendHits);
    const batch: HitBatch = { windowMs, start, tallies: new Map(), waiters: [] };
    hits.push(batch);
    return batch;
  };

  const releaseBatchOf = (windowMs: number, start: number): ReleaseBatch => {
    for (const batch of releases) {
      if (batch.start === start && batch.windowMs === windowMs) return batch;
    }
    if (releaseTimer === null) {
      // Not unref'd: a process does not end with a give-back still unsent.
      releaseTimer = setTimeout(sendReleases, RELEASE_DELAY_MS);
    }
    const batch: ReleaseBatch = { windowMs, start, amounts: new Map(), carried: [], settle: null };
    releases.push(batch);
    return batch;
  };

  const drain = async (): Promise<void> => {
    // Hits queued behind an unanswered call leave when it answers; wait for them too.
    while (hits.length > 0 || releases.length > 0 || running > 0) {
      if (hitsRunning === 0) sendHits();
      sendReleases();
      if (running > 0) await new Promise<void>((resolve) => idle.push(resolve));
    }
  };

  return {
    hit(keys, windowMs, now, counts) {
      if (keys.length === 0) return Promise.resolve([]);
      const batch = hitBatchOf(windowMs, windowOf(windowMs, now));
      const amounts: number[] = [];
      const before: number[] = [];
      keys.forEach((key, i) => {
        let tally = batch.tallies.get(key);
        if (!tally) {
          tally = { key, hits: 0, released: 0 };
          batch.tallies.set(key, tally);
        }
        const amount = counts?.[i] ?? 1;
        amounts.push(amount);
        before.push(tally.hits);
        tally.hits += amount;
      });
      return new Promise((resolve, reject) => {
        batch.waiters.push({ keys, amounts, before, resolve, reject });
      });
    },

    async peek(keys, windowMs, now) {
      await drain();
      return counter.peek(keys, windowMs, now);
    },

    release(keys, windowMs, now, counts) {
      if (keys.length === 0) return Promise.resolve();
      const batch = releaseBatchOf(windowMs, windowOf(windowMs, now));
      keys.forEach((key, i) => {
        batch.amounts.set(key, (batch.amounts.get(key) ?? 0) + (counts?.[i] ?? 1));
      });
      if (!batch.settle) {
        let resolve!: () => void;
        let reject!: (error: unknown) => void;
        const promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        // Shared by the batch's give-backs: one whose caller stopped listening must not surface as
        // an unhandled rejection. Each caller that does listen still sees the error.
        promise.catch(ignore);
        batch.settle = { promise, resolve, reject };
      }
      return batch.settle.promise;
    },

    drain,
  };
}
