/**
 * Abuse limits at the HTTP edge: ceremony starts and failed finishes, counted per client IP and per
 * app in one-minute windows that every instance shares (the database, or Redis). The limited
 * routes are listed in one table below; the refusal is a 429 in that route's surface's own error
 * shape, with `Retry-After`. Only a client's own count refuses it: an app's count raises an alert
 * (see docs/decisions/0006), so that many addresses together cannot lock an app's users out.
 */
import {
  DEFAULT_POLICY,
  type FailureReason,
  findTokenAppId,
  getApp,
  isLatchkeyError,
  type RateLimitCounter,
  type RateLimits,
  type Runtime,
} from '@latchkey/core';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import { addRouteHook, routeMethods } from '../http/route-hooks.ts';
import { bearerToken, tenantId } from '../surfaces/actions/credentials-header.ts';
import { registerCredentialLimits } from './credential-limits.ts';
import {
  RATE_LIMIT_WINDOW_MS,
  type RateLimitSurface,
  sendRateLimited,
} from './rate-limit-refusal.ts';

export { REFUSED_CREDENTIALS_PER_IP } from './credential-limits.ts';
export {
  RATE_LIMIT_SURFACES,
  RATE_LIMIT_WINDOW_MS,
  type RateLimitSurface,
} from './rate-limit-refusal.ts';

/** What a route counts: a ceremony start, or a finish whose failures are counted. */
export const RATE_LIMIT_KINDS = ['start', 'finish'] as const;
export type RateLimitKind = (typeof RATE_LIMIT_KINDS)[number];

/** How one route is limited. `appId` finds the app where it is not the `app_id` path parameter. */
export interface RateLimitRouteConfig {
  kind: RateLimitKind;
  surface: Extract<RateLimitSurface, 'flex' | 'actions_client'>;
  appId?: (request: FastifyRequest, runtime: Runtime) => Promise<string | null>;
}

/**
 * Why a finish failed without ever reaching a live ceremony of the app: its handshake (challenge)
 * id was made up, expired or of another kind. Anyone can send these by the thousand, so they count
 * against the sender only, never toward the app's alert. So do failures without a reason at all (a
 * malformed body, an unknown token or transaction).
 */
export const NO_CEREMONY_REASONS = [
  'ceremony_unknown',
  'ceremony_expired',
  'ceremony_kind_mismatch',
] as const satisfies readonly FailureReason[];

/**
 * The app of an actions client call: the Basic scheme names it; a Bearer token belongs to one.
 * An unknown token has no app, and the route itself refuses it.
 */
async function actionsClientApp(request: FastifyRequest, runtime: Runtime): Promise<string | null> {
  const token = bearerToken(request);
  if (token !== null) {
    return findTokenAppId(runtime, token);
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

/** A finish's reserved failure slot, and what its response needs to settle it. */
interface FinishHold {
  appId: string;
  limits: RateLimits;
  /** The per-IP key whose slot this finish holds, if that limit is on. */
  keys: string[];
  /** When the slot was taken: a release goes to that window, even if the minute has turned. */
  at: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** A finish's failure slot, taken before the finish is examined. */
    rateLimitHold: FinishHold | null;
  }
}

async function appIdOf(
  request: FastifyRequest,
  config: RateLimitRouteConfig,
  runtime: Runtime,
): Promise<string | null> {
  if (config.appId) return config.appId(request, runtime);
  const params = request.params as Record<string, unknown> | undefined;
  return typeof params?.app_id === 'string' ? params.app_id : null;
}

/** Whether a finish got as far as a live ceremony of its app before it failed. */
function reachedCeremony(error: unknown): boolean {
  return (
    isLatchkeyError(error) &&
    error.reason !== null &&
    !(NO_CEREMONY_REASONS as readonly string[]).includes(error.reason)
  );
}

/** A failure that is the client's doing: 4xx, but not "no such thing" (404) nor our own 429. */
function isClientFailure(status: number): boolean {
  return status >= 400 && status < 500 && status !== 404 && status !== 429;
}

/**
 * Registers the abuse limits: ceremony starts and failed finishes per client IP (per app only an
 * alert), and refused credentials per client IP (`refusedCredentialsPerIp`, default
 * {@link REFUSED_CREDENTIALS_PER_IP}; 0 turns it off). Call before the surfaces add their routes.
 *
 * @example
 * registerRateLimits(app, { runtime, counter: createSqlRateLimitCounter(store.db) });
 */
export function registerRateLimits(
  app: FastifyInstance,
  options: { runtime: Runtime; counter: RateLimitCounter; refusedCredentialsPerIp?: number },
): void {
  const { runtime, counter } = options;
  app.decorateRequest('rateLimitHold', null);
  registerCredentialLimits(app, {
    counter,
    now: runtime.now,
    ...(options.refusedCredentialsPerIp === undefined
      ? {}
      : { limit: options.refusedCredentialsPerIp }),
  });
  const limitsOf = async (appId: string): Promise<RateLimits | null> => {
    const found = await getApp(runtime, appId).catch(() => null);
    if (!found) return null;
    return found.policy.rateLimits ?? DEFAULT_POLICY.rateLimits;
  };

  // An app over one of its own limits is reported, never refused: a metric for every request over
  // it, and one log line a window (exactly one request sees the count one past the limit).
  const alert = (
    request: FastifyRequest,
    appId: string,
    limit: 'startsPerApp' | 'failuresPerApp',
    count: number,
    threshold: number,
  ): void => {
    if (threshold === 0 || count <= threshold) return;
    app.metrics.appLimitExceeded(appId, limit);
    if (count === threshold + 1) {
      request.log.warn({ appId, limit, threshold }, 'app over its per-app limit this minute');
    }
  };

  // In onRequest, before the body is parsed or validated: a malformed body is a failure too. A
  // refusal returns the reply it sent, which tells Fastify to run nothing further.
  const limit = async (
    config: RateLimitRouteConfig,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> => {
    const appId = await appIdOf(request, config, runtime);
    if (!appId) return;
    // No such app: nothing is counted, so made-up app ids create no counters.
    const limits = await limitsOf(appId);
    if (!limits) return;
    const now = runtime.now();
    const ipKey = `${config.kind === 'start' ? 'start' : 'fail'}:ip:${appId}:${request.ip}`;
    if (config.kind === 'start') {
      // A start counts itself, per IP and toward the app's alert (each if on), in one call.
      const appKey = `start:app:${appId}`;
      const keys = [
        ...(limits.startsPerIp > 0 ? [ipKey] : []),
        ...(limits.startsPerApp > 0 ? [appKey] : []),
      ];
      const counts = await counter.hit(keys, RATE_LIMIT_WINDOW_MS, now);
      const countOf = (key: string): number => counts[keys.indexOf(key)] ?? 0;
      alert(request, appId, 'startsPerApp', countOf(appKey), limits.startsPerApp);
      if (limits.startsPerIp > 0 && countOf(ipKey) > limits.startsPerIp) {
        return sendRateLimited(request, reply, {
          surface: config.surface,
          limit: 'startsPerIp',
          now,
        });
      }
      return;
    }
    // A finish takes a failure slot before it is examined, so that concurrent finishes cannot all
    // pass a check made before any of them failed; a finish that does not fail gives it back.
    const keys = limits.failuresPerIp > 0 ? [ipKey] : [];
    const [perIp = 0] = await counter.hit(keys, RATE_LIMIT_WINDOW_MS, now);
    // Held only once taken: a hit that failed (the database is away) has nothing to give back.
    request.rateLimitHold = { appId, limits, keys, at: now };
    // Refused before the finish is examined: its handshake stays unburned.
    if (keys.length > 0 && perIp > limits.failuresPerIp) {
      return sendRateLimited(request, reply, {
        surface: config.surface,
        limit: 'failuresPerIp',
        now,
      });
    }
  };

  // A failure that reached a ceremony counts toward the app's alert before it is answered.
  const countFailure = async (
    request: FastifyRequest,
    _reply: FastifyReply,
    error: FastifyError,
  ): Promise<void> => {
    const hold = request.rateLimitHold;
    if (!hold || hold.limits.failuresPerApp === 0 || !reachedCeremony(error)) return;
    try {
      const key = `fail:app:${hold.appId}`;
      const [perApp = 0] = await counter.hit([key], RATE_LIMIT_WINDOW_MS, runtime.now());
      alert(request, hold.appId, 'failuresPerApp', perApp, hold.limits.failuresPerApp);
    } catch (failure) {
      request.log.warn({ err: failure }, 'could not count a failed finish toward its app');
    }
  };

  const giveBackSlot = (request: FastifyRequest, status: number): void => {
    const hold = request.rateLimitHold;
    if (!hold || hold.keys.length === 0) return;
    // A success, or the server's own failure (a 5xx), is not the client's to pay for, nor is a 404
    // (the app went away). A 429 keeps its slot.
    if (isClientFailure(status) || status === 429) return;
    counter.release(hold.keys, RATE_LIMIT_WINDOW_MS, hold.at).catch((error: unknown) => {
      request.log.warn({ err: error }, 'could not give back a failure slot');
    });
  };
  // Given back after the answer, so that a success waits for nothing: callback-style, the response
  // is not held while the counter answers.
  const giveBack = (
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void => {
    giveBackSlot(request, reply.statusCode);
    done();
  };

  // Only the limited routes run these hooks: every other request pays nothing for them. Must run
  // before the surfaces add their routes.
  app.addHook('onRoute', (route) => {
    const config = LIMITED_ROUTES[route.url];
    if (!config || !routeMethods(route).includes('POST')) return;
    addRouteHook(route, 'onRequest', (request, reply) => limit(config, request, reply));
    if (config.kind === 'finish') {
      addRouteHook(route, 'onError', countFailure);
      addRouteHook(route, 'onResponse', giveBack);
    }
  });
}
