/**
 * Errors Fastify raises before a request reaches any route, chiefly a path whose percent-encoding
 * does not decode to UTF-8 (`%FF`, or `%ED%A0%80`, a lone surrogate). No surface's error handler
 * sees these, so they are answered here, in the shape of the surface the path belongs to.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { actionsErrorBody } from '../surfaces/actions/actions-errors.ts';
import { adminErrorBody } from '../surfaces/admin/admin-errors.ts';
import { flexErrorBody } from '../surfaces/flex/flex-errors.ts';

/** The surfaces by path, for an error raised before routing. */
export const PATH_SURFACES = ['flex', 'actions', 'admin'] as const;
export type PathSurface = (typeof PATH_SURFACES)[number];

/** The surface a raw request path belongs to; flex (the root's not-found shape) otherwise. */
export function surfaceOfPath(url: string): PathSurface {
  if (url.startsWith('/admin/')) return 'admin';
  if (url.startsWith('/v1/') && !url.startsWith('/v1/apps/')) return 'actions';
  return 'flex';
}

function messageOf(error: FastifyError): string {
  // Fastify's message quotes the raw path; the client sent it, but it need not be echoed back.
  return error.code === 'FST_ERR_BAD_URL'
    ? 'the request path is not valid percent-encoded UTF-8'
    : error.message;
}

/**
 * Fastify's `frameworkErrors`: a 400 in the path's surface shape.
 *
 * @example
 * Fastify({ frameworkErrors: answerFrameworkError });
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
  const message = messageOf(error);
  const url = request.raw.url ?? '/';
  // Routing never ran, so neither did the hooks that set these on every other response.
  reply.code(status).header('x-request-id', request.id).header('x-content-type-options', 'nosniff');
  const surface = surfaceOfPath(url);
  if (surface === 'admin') {
    reply.send(adminErrorBody('invalid_request', message, request.id));
  } else if (surface === 'actions') {
    reply.send(actionsErrorBody('invalid_request', message));
  } else {
    reply.send(flexErrorBody('invalid_request', message));
  }
}
