import {
  actingAs,
  LatchkeyError,
  type OperatorActor,
  type RequestContext,
  type Runtime,
} from '@latchkey/core';
import type { FastifyRequest } from 'fastify';
import { requestContext } from '../../http/request-context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The operator behind an admin request, once authenticated. */
    operator: OperatorActor | null;
  }
}

/** What an admin route hands the core: the runtime acting as the operator, and the request facts. */
export function asOperator(
  runtime: Runtime,
  request: FastifyRequest,
): { runtime: Runtime; context: RequestContext } {
  if (!request.operator) throw new LatchkeyError('unauthorized', 'not signed in');
  return { runtime: actingAs(runtime, request.operator), context: requestContext(request) };
}

/** The bearer credential of a request, if any. */
export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return /^Bearer\s+(\S+)$/i.exec(header)?.[1];
}

/** An ISO 8601 time (or epoch milliseconds) from a query string, as epoch milliseconds. */
export function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new LatchkeyError('invalid_request', `${field} must be an ISO 8601 time`);
  }
  return ms;
}
