/**
 * Sweeps expired rows (and audit events past their retention) in the background, on every instance. Sweeps are idempotent deletes, so
 * instances need no coordination: two sweeping at once delete each row once between them.
 */
import type { SqlStore } from '@latchkey/store';
import { sweepExpired } from '@latchkey/store';
import type { FastifyBaseLogger } from 'fastify';
import { RATE_LIMIT_WINDOW_MS } from '../rate-limits/rate-limits.ts';

/** A running sweeper. */
export interface Sweeper {
  /** Sweeps now (also what each tick does); resolves with how many rows went. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * @example
 * const sweeper = startSweeper({ store, intervalMs: 60_000, now: Date.now, log: app.log });
 * await sweeper.stop();
 */
export function startSweeper(options: {
  store: SqlStore;
  intervalMs: number;
  now: () => number;
  log: FastifyBaseLogger;
  /** How long audit events are kept; 0 or absent keeps them forever. */
  auditRetentionMs?: number;
}): Sweeper {
  let running: Promise<number> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const sweep = (): Promise<number> => {
    running ??= sweepExpired(options.store.db, {
      now: options.now(),
      rateLimitWindowMs: RATE_LIMIT_WINDOW_MS,
      ...(options.auditRetentionMs ? { auditRetentionMs: options.auditRetentionMs } : {}),
    })
      .then((result) => {
        const total = Object.values(result).reduce((a, b) => a + b, 0);
        if (total > 0) options.log.info({ swept: result }, 'swept expired rows');
        return total;
      })
      .catch((error: unknown) => {
        // A database hiccup must not stop sweeping; the next tick tries again.
        options.log.warn({ err: error }, 'sweep failed');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const schedule = (): void => {
    if (stopped) return;
    // Jitter, so that instances started together do not sweep in lockstep.
    const delay = options.intervalMs * (0.75 + Math.random() * 0.5);
    timer = setTimeout(() => void sweep().finally(schedule), delay);
    timer.unref();
  };
  schedule();

  return {
    sweep,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
