import type { FastifyInstance } from 'fastify';

/** Requests a server is still answering, so a shutdown can wait for them. */
export interface InFlight {
  readonly count: number;
  /** Resolves once no request is in flight, or after `timeoutMs`, whichever comes first. */
  drained(timeoutMs: number): Promise<void>;
}

/**
 * Counts requests from their head to their response (or abort). Closing the listener waits for
 * open connections, but not for a handler whose client already hung up (a half-closed socket is
 * dropped at shutdown); that handler still writes to the store, so the store must outlive it.
 *
 * @example
 * const inFlight = trackInFlight(app);
 * await app.close();
 * await inFlight.drained(30_000);
 * await store.close();
 */
export function trackInFlight(app: FastifyInstance): InFlight {
  let count = 0;
  let waiters: Array<() => void> = [];
  const done = (): void => {
    count--;
    if (count > 0) return;
    for (const wake of waiters) wake();
    waiters = [];
  };
  app.addHook('onRequest', async () => {
    count++;
  });
  app.addHook('onResponse', async () => done());
  app.addHook('onRequestAbort', async (_request) => done());
  return {
    get count() {
      return count;
    },
    drained(timeoutMs) {
      if (count === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
