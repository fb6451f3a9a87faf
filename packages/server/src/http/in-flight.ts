import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** Requests a server is still answering, so a shutdown can wait for them. */
export interface InFlight {
  readonly count: number;
  /** Resolves once no request is in flight, or after `timeoutMs`, whichever comes first. */
  drained(timeoutMs: number): Promise<void>;
}

/**
 * Counts requests from their head to the end of their response (sent, or its connection lost).
 * Closing the listener waits for open connections, but not for a handler whose client already hung
 * up (a half-closed socket is dropped at shutdown); that handler still writes to the store, so the
 * store must outlive it.
 *
 * Counted on the HTTP server itself, not in a Fastify hook: a request is in flight from the moment
 * its head is read, also while earlier hooks (rate limits, CORS) run, and the response's `close`
 * comes exactly once whichever way it ends.
 *
 * @example
 * const inFlight = trackInFlight(app);
 * await app.close();
 * await inFlight.drained(10_000);
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
  app.server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    count++;
    response.once('close', done);
  });
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
