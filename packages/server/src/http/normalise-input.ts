import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/** Querystring parameters that are whole numbers on every surface that takes them. */
const NUMERIC_QUERY = ['limit', 'page', 'created_before'] as const;

/** A whole number as a querystring carries it: digits only, short enough to stay exact. */
const WHOLE_NUMBER = /^\d{1,15}$/;

/**
 * Turns the given querystring parameters that hold a whole number into numbers, so that the route's
 * schema (which never coerces) can require integers. Anything else is left for it to refuse.
 *
 * @example
 * coerceWholeNumbers(request.query, ['offset', 'days']);
 */
export function coerceWholeNumbers(query: unknown, keys: readonly string[]): void {
  if (typeof query !== 'object' || query === null) return;
  const values = query as Record<string, unknown>;
  for (const key of keys) {
    const value = values[key];
    if (typeof value === 'string' && WHOLE_NUMBER.test(value)) values[key] = Number(value);
  }
}

/**
 * Before validation: a POST without a body or Content-Type is not parsed at all, and means the same
 * as `{}`; querystrings are strings by nature, so their numeric parameters are coerced here (and
 * nothing else is). Callback-style: it never waits, so it allocates no promise.
 *
 * @example
 * addRouteHook(route, 'preValidation', normaliseInput);
 */
export function normaliseInput(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  if (request.method === 'POST' && request.body === undefined) request.body = {};
  coerceWholeNumbers(request.query, NUMERIC_QUERY);
  done();
}
