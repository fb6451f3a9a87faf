/**
 * `GET /metrics` in the Prometheus text format: what the core records (ceremonies by kind, outcome
 * and reason; nonce redemptions; every audit event type), request latency by route, rate-limited
 * requests, the database pool, and the process' own figures. One registry per server, so that
 * several servers in one process (tests) keep their counts apart.
 */
import type { AuditFacts, Runtime } from '@latchkey/core';
import type { PoolStats } from '@latchkey/store';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { requestLatency } from './request-latency.ts';

/** What other parts of the server report into the metrics. */
export interface Metrics {
  registry: Registry;
  /** A request refused by a rate limit. */
  rateLimited(surface: string, limit: string): void;
  /** A request that took an app over one of its per-app limits: reported, not refused. */
  appLimitExceeded(appId: string, limit: string): void;
}

const OUTCOMES: Record<string, string> = {
  'ceremony.started': 'started',
  'ceremony.succeeded': 'succeeded',
  'ceremony.failed': 'failed',
};

/** How a registration's ceremony events say it was made. */
function creationMode(data: Readonly<AuditFacts>['data']): 'upgrade' | 'recovery' | 'prompt' {
  if (data?.upgrade === true) return 'upgrade';
  if (data?.recovery === true) return 'recovery';
  return 'prompt';
}

/**
 * Registers `/metrics` and the hooks that feed it.
 *
 * @example
 * const metrics = metricsSurface(app, { runtime, poolStats: () => poolStats(store.db), statements: () => statementCount(store.db) });
 */
export function metricsSurface(
  app: FastifyInstance,
  options: {
    runtime: Runtime;
    poolStats?: () => PoolStats | null;
    /** Statements sent to the database so far (`statementCount` of the store's handle). */
    statements?: () => number | null;
  },
): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'latchkey_' });

  const ceremonies = new Counter({
    name: 'latchkey_ceremonies_total',
    help: 'WebAuthn ceremonies by kind (register, authenticate, step_up) and outcome; failures by the check that refused them',
    labelNames: ['kind', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  const nonces = new Counter({
    name: 'latchkey_nonce_redemptions_total',
    help: 'Nonce redemptions: redeemed, or rejected (unknown, expired, used or of another app)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'latchkey_audit_events_total',
    help: 'Audit events recorded, by type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  // Adoption of passkeys: how many are made, how many of them by an automatic upgrade after a
  // password sign-in or by an account recovery, and how many attempts of each fail.
  const creations = new Counter({
    name: 'latchkey_passkey_creations_total',
    help: 'Passkey registrations by mode (prompt; upgrade: a conditional create after a password sign-in; recovery: an account recovery) and outcome (started, succeeded, failed)',
    labelNames: ['mode', 'outcome'] as const,
    registers: [registry],
  });
  const limited = new Counter({
    name: 'latchkey_rate_limited_total',
    help: 'Requests refused by a rate limit, by surface and limit',
    labelNames: ['surface', 'limit'] as const,
    registers: [registry],
  });
  // Labelled by app: apps are created by operators, and made-up app ids are never counted, so the
  // series stay as few as the apps.
  const appExceeded = new Counter({
    name: 'latchkey_app_limit_exceeded_total',
    help: 'Requests beyond an app-wide limit in their minute (startsPerApp, failuresPerApp): an alert, never a refusal',
    labelNames: ['app', 'limit'] as const,
    registers: [registry],
  });
  const latency = requestLatency({
    registry,
    name: 'latchkey_http_request_duration_seconds',
    help: 'Request latency by route (the route pattern, not the URL) and status code',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  const pool = new Gauge({
    name: 'latchkey_db_pool_connections',
    help: 'Database pool connections: total, idle, and requests waiting for one',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = options.poolStats?.();
      if (!stats) return;
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  void pool;
  // Read when scraped, not counted per statement here: the store keeps the running count.
  let reported = 0;
  const statements = new Counter({
    name: 'latchkey_database_statements_total',
    help: 'Statements sent to the database; on PostgreSQL each is one network round trip',
    registers: [registry],
    collect() {
      const count = options.statements?.();
      if (count === null || count === undefined || count < reported) return;
      this.inc(count - reported);
      reported = count;
    },
  });
  void statements;

  const observe = (facts: Readonly<AuditFacts>): void => {
    events.inc({ type: facts.type });
    const outcome = OUTCOMES[facts.type];
    if (outcome) {
      const kind = typeof facts.data?.kind === 'string' ? facts.data.kind : 'unknown';
      if (kind === 'register') {
        creations.inc({ mode: creationMode(facts.data), outcome });
      }
      ceremonies.inc({
        kind,
        outcome,
        reason: outcome === 'failed' ? (facts.reason ?? 'unknown') : '',
      });
    } else if (facts.type.startsWith('step_up.')) {
      const stepOutcome = facts.type.slice('step_up.'.length);
      ceremonies.inc({
        kind: 'step_up',
        outcome: stepOutcome,
        reason: stepOutcome === 'failed' ? (facts.reason ?? 'unknown') : '',
      });
    } else if (facts.type === 'nonce.redeemed') {
      nonces.inc({ outcome: 'redeemed' });
    } else if (facts.type === 'nonce.rejected') {
      nonces.inc({ outcome: 'rejected' });
    }
  };
  options.runtime.observers.add(observe);
  app.addHook('onClose', async () => {
    options.runtime.observers.delete(observe);
  });

  // Callback-style: it never waits, so it costs no promise.
  app.addHook('onResponse', (request, reply, done) => {
    // Unmatched URLs share one label, so a scan of random paths cannot grow the series without bound.
    const route = request.routeOptions.url ?? 'unmatched';
    latency.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });

  return {
    registry,
    rateLimited: (surface, limit) => limited.inc({ surface, limit }),
    appLimitExceeded: (appId, limit) => appExceeded.inc({ app: appId, limit }),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The server's metrics, for parts that report into them (rate limits). */
    metrics: Metrics;
  }
}
