/** What every rate limit shares: the window, the surfaces, and the 429 each surface answers. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actionsErrorBody } from '../surfaces/actions/actions-errors.ts';
import { adminErrorBody } from '../surfaces/admin/admin-errors.ts';

export const RATE_LIMIT_WINDOW_MS = 60_000;

/** The surfaces whose routes are limited, each with its own error body. */
export const RATE_LIMIT_SURFACES = ['flex', 'actions_client', 'actions_server', 'admin'] as const;
export type RateLimitSurface = (typeof RATE_LIMIT_SURFACES)[number];

const BODIES: Record<RateLimitSurface, (message: string, request: FastifyRequest) => unknown> = {
  flex: (message) => ({ code: 'too_many_requests', error: message }),
  actions_client: (message) => actionsErrorBody('too_many_requests', message),
  actions_server: (message) => actionsErrorBody('too_many_requests', message),
  admin: (message, request) => adminErrorBody('too_many_requests', message, request.id),
};

/** Seconds from `now` to the end of its window: when a refused client may try again. */
export function retryAfterSeconds(now: number): number {
  return Math.ceil((RATE_LIMIT_WINDOW_MS - (now % RATE_LIMIT_WINDOW_MS)) / 1000);
}

/**
 * Answers 429 with `Retry-After`, in the surface's own error shape, and counts the refusal in
 * `latchkey_rate_limited_total`.
 */
export function sendRateLimited(
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: { surface: RateLimitSurface; limit: string; now: number },
): FastifyReply {
  const retryAfter = retryAfterSeconds(refusal.now);
  request.server.metrics.rateLimited(refusal.surface, refusal.limit);
  return reply
    .code(429)
    .header('retry-after', String(retryAfter))
    .send(BODIES[refusal.surface](`too many requests; retry after ${retryAfter} seconds`, request));
}
