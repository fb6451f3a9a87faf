import type { RequestContext } from '@latchkey/core';
import type { FastifyRequest } from 'fastify';

/** The audit facts of a request: client IP, user agent and request id. */
export function requestContext(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
    requestId: request.id,
  };
}
