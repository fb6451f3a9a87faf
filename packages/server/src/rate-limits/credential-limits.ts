/**
 * Refused credentials, limited per client IP: a bad API key on the flex management API, a bad
 * secret key on the actions server API, a bad operator token or console session on the admin API.
 * Each refusal writes an audit row, so without a limit one client could write them as fast as it
 * can send. Counted in the shared counter (the database, or Redis), so the limit holds across
 * instances; a client over it is answered 429 before its credential is looked at.
 *
 * Each refusal's hit returns the address's count over every instance, and each instance keeps the
 * latest one it saw for the current window. The check before a request reads that, not the shared
 * counter: a request with a good credential from a clean address costs no counter round trip, and
 * an instance that has not yet refused an address lets it have one refusal before it knows.
 */
import { isLatchkeyError, type RateLimitCounter } from '@latchkey/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addRouteHook } from '../http/route-hooks.ts';
import {
  RATE_LIMIT_WINDOW_MS,
  type RateLimitSurface,
  sendRateLimited,
} from './rate-limit-refusal.ts';

/** Refused credentials a minute from one client IP, over every app and surface together. */
export const REFUSED_CREDENTIALS_PER_IP = 30;

/** The surface of a route, by the credential its OpenAPI `security` names. */
const SCHEMES: Readonly<Record<string, RateLimitSurface>> = {
  apiKey: 'flex',
  secretKey: 'actions_server',
  operatorToken: 'admin',
};

/** Routes that take a credential in their body rather than a header: the console sign-in. */
const CREDENTIAL_BODY_ROUTES: Readonly<Record<string, RateLimitSurface>> = {
  'POST /admin/v1/session': 'admin',
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The surface whose credential this route checks, and whose error shape its 429 takes. */
    credentialLimit?: RateLimitSurface;
  }
}

function surfaceOf(route: {
  method: string | string[];
  url: string;
  schema?: { security?: readonly Record<string, unknown>[] };
}): RateLimitSurface | undefined {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  for (const method of methods) {
    const byBody = CREDENTIAL_BODY_ROUTES[`${method} ${route.url}`];
    if (byBody) return byBody;
  }
  for (const requirement of route.schema?.security ?? []) {
    for (const scheme of Object.keys(requirement)) {
      const surface = SCHEMES[scheme];
      if (surface) return surface;
    }
  }
  return undefined;
}

const keyOf = (request: FastifyRequest): string => `cred:ip:${request.ip}`;

/**
 * Registers the limit on refused credentials. Call before the surfaces add their routes: routes
 * are found by the credential their schema names.
 *
 * @example
 * registerCredentialLimits(app, { counter, now: runtime.now });
 */
export function registerCredentialLimits(
  app: FastifyInstance,
  options: { counter: RateLimitCounter; now: () => number; limit?: number },
): void {
  const { counter, now } = options;
  const limit = options.limit ?? REFUSED_CREDENTIALS_PER_IP;
  if (limit <= 0) return;
  // The shared count of refusals per address in the current window, as this instance last saw it.
  // Only addresses with a refusal are held, and all are dropped when the window turns.
  const seen = new Map<string, number>();
  let seenWindow = 0;
  const windowOf = (at: number): number => at - (at % RATE_LIMIT_WINDOW_MS);
  const refusalsOf = (ip: string, at: number): number => {
    if (windowOf(at) !== seenWindow) {
      seen.clear();
      seenWindow = windowOf(at);
    }
    return seen.get(ip) ?? 0;
  };
  // Counted before the refusal is answered, so the client's next request already sees it.
  const countRefusal = async (
    request: FastifyRequest,
    _reply: FastifyReply,
    error: FastifyError,
  ): Promise<void> => {
    if (!isLatchkeyError(error, 'unauthorized')) return;
    const at = now();
    try {
      const [count = 0] = await counter.hit([keyOf(request)], RATE_LIMIT_WINDOW_MS, at);
      if (count > refusalsOf(request.ip, at)) seen.set(request.ip, count);
    } catch (failure) {
      request.log.warn({ err: failure }, 'could not count a refused credential');
    }
  };
  app.addHook('onRoute', (route) => {
    const surface = surfaceOf(route as Parameters<typeof surfaceOf>[0]);
    if (!surface) return;
    route.config = { ...(route.config as object), credentialLimit: surface };
    addRouteHook(route, 'onError', countRefusal);
  });

  // Before every other hook: the surfaces check credentials in their own onRequest hooks, so this
  // one is the application's, not the route's (a route's hooks run after its surface's). It reads
  // only this instance's memory, so it is callback-style, and returns at once while no address has
  // a refusal this window.
  app.addHook('onRequest', (request, reply, done) => {
    if (seen.size === 0) return done();
    const surface = request.routeOptions.config.credentialLimit;
    if (!surface) return done();
    const at = now();
    if (refusalsOf(request.ip, at) < limit) return done();
    // Answered here: the request goes no further, so `done` is not called.
    sendRateLimited(request, reply, { surface, limit: 'refusedCredentialsPerIp', now: at });
  });
}
