import { createRuntime } from '@latchkey/core';
import { createSqlRateLimitCounter, openStore, poolStats, statementCount } from '@latchkey/store';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './app.ts';
import { DEFAULTS, webhookSettings } from './config.ts';
import { trackInFlight } from './http/in-flight.ts';
import type { TrustProxy } from './http/trust-proxy.ts';
import { type LogFormat, textLogStream } from './log-format.ts';
import { startSweeper } from './maintenance/sweeper.ts';
import { createRedisRateLimitCounter } from './rate-limits/redis-rate-limit-counter.ts';
import { type DatabaseSource, serveBanner, serveSummary } from './serve-banner.ts';
import { SERVER_VERSION } from './version.ts';
import { createWebhookSender, webhookNetworkPolicy } from './webhooks/webhook-sender.ts';
import { startWebhookWorker } from './webhooks/webhook-worker.ts';

const DAY_MS = 86_400_000;

/**
 * How long a shutdown waits for requests in flight before cutting their connections and closing
 * the database. A request spends at most the database's connect timeout (5 s by default) waiting
 * for a connection and milliseconds in its handler, so what is still running after this is a
 * client that stopped sending, not work to finish.
 */
export const DRAIN_TIMEOUT_MS = 10_000;

/** Options for {@link serve}. */
export interface ServeOptions {
  databaseUrl: string;
  port: number;
  host: string;
  logLevel?: string;
  /**
   * `text`: a banner, then one short line per log entry (for a terminal). `json`: pino's JSON
   * lines only, the first one `latchkey ready` with the URLs. Default json.
   */
  logFormat?: LogFormat;
  /** Where `databaseUrl` came from, for the banner's next command. Default `flag`. */
  databaseSource?: DatabaseSource;
  /** Count rate limits in this Redis instead of the database. */
  redisUrl?: string;
  /** How often expired rows are swept. Default one minute. */
  sweepIntervalMs?: number;
  /** How long audit events are kept; 0 keeps them forever. Default 90 days. */
  auditRetentionMs?: number;
  /** Refused credentials a minute from one client IP before 429; 0: no limit. Default 30. */
  refusedCredentialsPerIp?: number;
  /**
   * The proxies in front whose `X-Forwarded-For` entries are trusted (the client IP for limits and
   * the audit log). Default none.
   */
  trustProxy?: TrustProxy;
}

/**
 * Opens (and migrates) the database, then listens. Rate limits are counted in the database (or in
 * Redis), so that every instance on it shares them; expired rows are swept in the background.
 * SIGTERM and SIGINT close the listener, let in-flight requests finish (for at most
 * {@link DRAIN_TIMEOUT_MS}), and close the database; a second signal exits at once.
 *
 * @example
 * await serve({ databaseUrl: 'sqlite:./latchkey.db', port: 8080, host: '127.0.0.1' });
 */
export async function serve(options: ServeOptions): Promise<FastifyInstance> {
  const store = await openStore({ url: options.databaseUrl, groupCommit: true });
  const runtime = createRuntime({ store });
  const webhooks = webhookSettings();
  const redis = options.redisUrl ? createRedisRateLimitCounter(options.redisUrl) : null;
  const app = await buildServer({
    runtime,
    logger: {
      level: options.logLevel ?? 'info',
      ...(options.logFormat === 'text' ? { stream: textLogStream(process.stdout) } : {}),
    },
    rateLimitCounter: redis ?? createSqlRateLimitCounter(store.db),
    poolStats: () => poolStats(store.db),
    statements: () => statementCount(store.db),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    webhookNetwork: webhookNetworkPolicy(webhooks.allowPrivateNetworks),
    ...(options.refusedCredentialsPerIp === undefined
      ? {}
      : { refusedCredentialsPerIp: options.refusedCredentialsPerIp }),
  });
  const inFlight = trackInFlight(app);
  const sweeper = startSweeper({
    store,
    intervalMs: options.sweepIntervalMs ?? 60_000,
    now: runtime.now,
    log: app.log,
    auditRetentionMs: options.auditRetentionMs ?? DEFAULTS.auditRetentionDays * DAY_MS,
  });
  const webhookWorker = startWebhookWorker({
    runtime,
    settings: webhooks,
    send: createWebhookSender({ allowPrivateNetworks: webhooks.allowPrivateNetworks }),
    log: app.log,
  });
  let closing = false;
  let stopSignal: string | null = null;
  const closeResources = async (): Promise<void> => {
    // Slots given back after the last answers may still be queued for the counter.
    await app.rateLimitCounter.drain();
    await webhookWorker.stop();
    await sweeper.stop();
    await redis?.close();
    await store.close();
  };
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) {
      // The same signal again (a second Ctrl-C): the person does not want to wait. The database
      // keeps only what was committed, so nothing half written is left; requests in flight are
      // cut. Another signal is not a second request: Ctrl-C under `npm start` reaches this process
      // both from the terminal (SIGINT) and from the script (SIGTERM).
      if (signal !== stopSignal) return;
      app.log.warn({ signal, inFlight: inFlight.count }, 'stopping now, without waiting');
      process.exit(1);
    }
    closing = true;
    stopSignal = signal;
    const waiting = inFlight.count;
    const seconds = DRAIN_TIMEOUT_MS / 1000;
    if (waiting === 0) {
      app.log.info({ signal }, 'shutting down: no requests in flight; closing the database');
    } else {
      app.log.warn(
        { signal, inFlight: waiting, waitsUpToSeconds: seconds },
        `shutting down: waiting for ${plural(waiting, 'request')} in flight (at most ${seconds} s; signal again to stop at once), then closing the database`,
      );
    }
    // No new connections from here; idle keep-alive ones are closed at once.
    const closed = app.close();
    await inFlight.drained(DRAIN_TIMEOUT_MS);
    if (inFlight.count > 0) {
      app.log.warn(
        { inFlight: inFlight.count },
        `shutting down: ${plural(inFlight.count, 'request')} still in flight after ${seconds} s; closing their connections`,
      );
    }
    // What is left is idle or a client that stopped sending: close it rather than wait for it.
    app.server.closeAllConnections();
    await closed;
    await closeResources();
    app.log.info('shut down: the database is closed');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  app.addHook('onClose', async () => {
    if (!closing) await closeResources();
  });
  await app.listen({ port: options.port, host: options.host });
  announce(app, options);
  return app;
}

/** Says where everything is, once listening: a banner on a terminal, one JSON line otherwise. */
function announce(app: FastifyInstance, options: ServeOptions): void {
  const address = app.server.address();
  const input = {
    version: SERVER_VERSION,
    host: options.host,
    port: typeof address === 'object' && address ? address.port : options.port,
    databaseUrl: options.databaseUrl,
    databaseSource: options.databaseSource ?? 'flag',
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
  };
  if (options.logFormat === 'text') process.stdout.write(serveBanner(input));
  else app.log.info(serveSummary(input), 'latchkey ready');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
