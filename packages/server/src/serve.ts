import { createRuntime } from '@latchkey/core';
import { openStore } from '@latchkey/store';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './app.ts';
import { trackInFlight } from './http/in-flight.ts';

/** How long a shutdown waits for requests in flight before closing the database anyway. */
const DRAIN_TIMEOUT_MS = 30_000;

/** Options for {@link serve}. */
export interface ServeOptions {
  databaseUrl: string;
  port: number;
  host: string;
  logLevel?: string;
}

/**
 * Opens (and migrates) the database, then listens. SIGTERM and SIGINT close the listener, let
 * in-flight requests finish, and close the database.
 *
 * @example
 * await serve({ databaseUrl: 'sqlite:./latchkey.db', port: 8080, host: '127.0.0.1' });
 */
export async function serve(options: ServeOptions): Promise<FastifyInstance> {
  const store = await openStore({ url: options.databaseUrl });
  const runtime = createRuntime({ store });
  const app = await buildServer({ runtime, logger: { level: options.logLevel ?? 'info' } });
  const inFlight = trackInFlight(app);
  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await inFlight.drained(DRAIN_TIMEOUT_MS);
    await store.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  app.addHook('onClose', async () => {
    if (!closing) await store.close();
  });
  await app.listen({ port: options.port, host: options.host });
  return app;
}
