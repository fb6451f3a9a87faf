import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AUDIT_CONTEXT_LIMITS, type RequestContext } from '@latchkey/core';
import type { FastifyRequest } from 'fastify';

/**
 * A request id a client may choose: 1 to 128 characters that are safe in a log line, a header and
 * an audit row. Anything else (too long, spaces, quotes, control characters) is replaced.
 */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id of a request: the client's `x-request-id` when it is a plain token of at most 128
 * characters (so that a proxy's id can be followed through the logs), else a new UUID. Given to
 * Fastify as `genReqId`, since its own `requestIdHeader` takes the header verbatim, at any length.
 */
export function requestId(request: IncomingMessage): string {
  const offered = request.headers['x-request-id'];
  return typeof offered === 'string' && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
}

/** The audit facts of a request: client IP, user agent (cut to 512 characters) and request id. */
export function requestContext(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent:
      typeof userAgent === 'string' ? userAgent.slice(0, AUDIT_CONTEXT_LIMITS.userAgent) : null,
    requestId: request.id,
  };
}
