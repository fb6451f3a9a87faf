/**
 * The signed-in user of a JSON request, or a `not_signed_in` refusal.
 */
import type { FastifyRequest } from 'fastify';
import type { BankContext } from '../bank-context.ts';
import { BankError } from '../bank-errors.ts';
import type { User } from '../bank-store.ts';
import { sessionUser } from '../sessions.ts';

/**
 * @example
 * const user = requireUser(ctx, request);
 */
export function requireUser(ctx: BankContext, request: FastifyRequest): User {
  const user = sessionUser(ctx.store, request, ctx.now());
  if (!user) throw new BankError('not_signed_in');
  return user;
}

/**
 * A string field of a JSON body, or an `invalid_request` refusal.
 *
 * @example
 * const nonce = stringField(request.body, 'nonce');
 */
export function stringField(body: unknown, field: string): string {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : null;
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) {
    throw new BankError('invalid_request');
  }
  return value;
}

/**
 * A form field of a JSON body that the customer may have left empty: `''` when it is absent or
 * empty (the caller says what is missing), an `invalid_request` refusal when it is not a string.
 *
 * @example
 * const amount = formField(request.body, 'amount');
 */
export function formField(body: unknown, field: string): string {
  const value =
    typeof body === 'object' && body !== null
      ? (body as Record<string, unknown>)[field]
      : undefined;
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' || value.length > 2048) throw new BankError('invalid_request');
  return value;
}
