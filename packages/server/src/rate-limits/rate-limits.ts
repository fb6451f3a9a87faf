/**
 * Abuse limits at the HTTP edge: ceremony starts and failed finishes, counted per client IP and per
 * app in one-minute windows that every instance shares (the database, or Redis). The limited
 * routes are listed in one table below; the refusal is a 429 in that route's surface's own error
 * shape, with `Retry-After`.
 */
import { DEFAULT_POLICY, getApp, type RateLimits, type Runtime, sha256Hex } from '@latchkey/core';
import type { RateLimitCounter } from '@latchkey/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, tenantId } from '../surfaces/actions/credentials-header.ts';

export const RATE_LIMIT_WINDOW_MS = 60_000;

/** What a route counts: a ceremony start, or a finish whose failures are counted. */
export const RATE_LIMIT_KINDS = ['start', 'finish'] as const;
export type RateLimitKind = (typeof RATE_LIMIT_KINDS)[number];

/** The surfaces, each with its own error body. */
export const RATE_LIMIT_SURFACES = ['flex', 'actions_client'] as const;
export type RateLimitSurface = (typeof RATE_LIMIT_SURFACES)[number];

/** How one route is limited. `appId` finds the app where it is not the `app_id` path parameter. */
export interface RateLimitRouteConfig {
  kind: RateLimitKind;
  surface: RateLimitSurface;
  appId?: (request: FastifyRequest, runtime: Runtime) => Promise<string | null>;
}

/**
 * The app of an actions client call: the Basic scheme names it; a Bearer token belongs to one.
 * An unknown token has no app, and the route itself refuses it.
 */
async function actionsClientApp(request: FastifyRequest, runtime: Runtime): Promise<string | null> {
  const token = bearerToken(request);
  if (token !== null) {
    const found = await runtime.store.stepUpTokens.findByHash(sha256Hex(token));
    return found?.appId ?? null;
  }
  return tenantId(request);
}

/** Every limited route, by its path pattern (POST). */
export const LIMITED_ROUTES: Readonly<Record<string, RateLimitRouteConfig>> = {
  '/v1/apps/:app_id/register/transactions/webauthn/start': { kind: 'start', surface: 'flex' },
  '/v1/apps/:app_id/authenticate/transactions/webauthn/start': { kind: 'start', surface: 'flex' },
  '/v1/apps/:app_id/register/transactions/webauthn/finish': { kind: 'finish', surface: 'flex' },
  '/v1/apps/:app_id/authenticate/transactions/webauthn/finish': { kind: 'finish', surface: 'flex' },
  '/v1/client/challenge': { kind: 'start', surface: 'actions_client', appId: actionsClientApp },
  '/v1/client/user-authenticators/passkey/registration-options': {
    kind: 'start',
    surface: 'actions_client',
    appId: actionsClientApp,
  },
  '/v1/client/user-authenticators/passkey/authentication-options': {
    kind: 'start',
    surface: 'actions_client',
    appId: actionsClientApp,
  },
  '/v1/client/user-authenticators/passkey': {
    kind: 'finish',
    surface: 'actions_client',
    appId: actionsClientApp,
  },
  '/v1/client/verify/passkey': {
    kind: 'finish',
    surface: 'actions_client',
    appId: actionsClientApp,
  },
};

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: RateLimitRouteConfig;
  }
}

const BODIES: Record<RateLimitSurface, (message: string) => Record<string, string>> = {
  flex: (message) => ({ code: 'too_many_requests', error: message }),
  actions_client: (message) => ({
    error: 'too_many_requests',
    errorCode: 'too_many_requests',
    errorDescription: message,
  }),
};

async function appIdOf(
  request: FastifyRequest,
  config: RateLimitRouteConfig,
  runtime: Runtime,
): Promise<string | null> {
  if (config.appId) return config.appId(request, runtime);
  const params = request.params as Record<string, unknown> | undefined;
  return typeof params?.app_id === 'string' ? params.app_id : null;
}

/**
 * @example
 * registerRateLimits(app, { runtime, counter: createSqlRateLimitCounter(store.db) });
 */
export function registerRateLimits(
  app: FastifyInstance,
  options: { runtime: Runtime; counter: RateLimitCounter },
): void {
  const { runtime, counter } = options;
  // Must run before the surfaces add their routes.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const limited = LIMITED_ROUTES[route.url];
    if (!limited || !methods.includes('POST')) return;
    route.config = { ...(route.config as object), rateLimit: limited };
  });
  const limitsOf = async (appId: string): Promise<RateLimits | null> => {
    const found = await getApp(runtime, appId).catch(() => null);
    if (!found) return null;
    return found.policy.rateLimits ?? DEFAULT_POLICY.rateLimits;
  };

  const refuse = (
    reply: FastifyReply,
    config: RateLimitRouteConfig,
    limit: keyof RateLimits,
    now: number,
  ): FastifyReply => {
    const retryAfter = Math.ceil((RATE_LIMIT_WINDOW_MS - (now % RATE_LIMIT_WINDOW_MS)) / 1000);
    app.metrics.rateLimited(config.surface, limit);
    return reply
      .code(429)
      .header('retry-after', String(retryAfter))
      .send(BODIES[config.surface](`too many requests; retry after ${retryAfter} seconds`));
  };

  app.addHook('preHandler', async (request, reply) => {
    const config = request.routeOptions.config.rateLimit;
    if (!config) return;
    const appId = await appIdOf(request, config, runtime);
    if (!appId) return;
    const limits = await limitsOf(appId);
    if (!limits) return;
    const now = runtime.now();
    const ip = request.ip;
    // Each limit that is on, with its counter's key; all of a request's counters in one call.
    const checked = (
      config.kind === 'start'
        ? ([
            ['startsPerIp', `start:ip:${appId}:${ip}`],
            ['startsPerApp', `start:app:${appId}`],
          ] as const)
        : ([
            ['failuresPerIp', `fail:ip:${appId}:${ip}`],
            ['failuresPerApp', `fail:app:${appId}`],
          ] as const)
    ).filter(([limit]) => limits[limit] > 0);
    const keys = checked.map(([, key]) => key);
    // A start counts itself; a finish is refused before it is checked once its client, or its
    // app, has failed too often.
    const counts =
      config.kind === 'start'
        ? await counter.hit(keys, RATE_LIMIT_WINDOW_MS, now)
        : await counter.peek(keys, RATE_LIMIT_WINDOW_MS, now);
    for (const [i, [limit]] of checked.entries()) {
      const count = counts[i] ?? 0;
      const over = config.kind === 'start' ? count > limits[limit] : count >= limits[limit];
      if (over) return refuse(reply, config, limit, now);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const config = request.routeOptions.config.rateLimit;
    if (config?.kind !== 'finish') return;
    // 404s (no such app) are not counted, so made-up app ids cannot create counters.
    if (reply.statusCode < 400 || reply.statusCode === 429 || reply.statusCode === 404) return;
    const appId = await appIdOf(request, config, runtime);
    if (!appId) return;
    const now = runtime.now();
    try {
      await counter.hit(
        [`fail:ip:${appId}:${request.ip}`, `fail:app:${appId}`],
        RATE_LIMIT_WINDOW_MS,
        now,
      );
    } catch (error) {
      request.log.warn({ err: error }, 'could not count a failed finish');
    }
  });
}
