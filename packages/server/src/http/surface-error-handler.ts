/**
 * The one error handler of every HTTP surface. A surface supplies its error table and its body
 * shape; what an error means (a core refusal, malformed input, an oversized body or URL, no route,
 * an unreachable database, a fault) is decided here, once, so that the surfaces cannot drift apart.
 */
import { type ErrorCode, isLatchkeyError } from '@latchkey/core';
import { isStoreUnavailable } from '@latchkey/store';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { BodyParseError } from './json-body.ts';
import { publicMessage } from './public-messages.ts';

/** What the HTTP layer itself refuses, besides the core's error codes. */
export const HTTP_FAILURES = [
  'invalid_request',
  'payload_too_large',
  'uri_too_long',
  'not_found',
  'unavailable',
  'internal_error',
] as const;
export type HttpFailure = (typeof HTTP_FAILURES)[number];

/** The status of each HTTP failure (`invalid_request` keeps a 4xx status Fastify chose). */
export const HTTP_FAILURE_STATUS: Readonly<Record<HttpFailure, number>> = {
  invalid_request: 400,
  payload_too_large: 413,
  uri_too_long: 414,
  not_found: 404,
  unavailable: 503,
  internal_error: 500,
};

/** How long a client waits before retrying while the database is unreachable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/** How one surface speaks its errors. */
export interface SurfaceErrorShape {
  /** The surface's name, for the log. */
  readonly name: string;
  /** The status and wire code of a core error code on this surface. */
  core(code: ErrorCode): { status: number; code: string };
  /** The wire code of each HTTP failure on this surface. */
  readonly http: Readonly<Record<HttpFailure, string>>;
  /** Where the surface's contract words a core error's public message its own way. */
  readonly messages?: Partial<Record<ErrorCode, string>>;
  /** An error body in the surface's shape. */
  body(code: string, message: string, request: FastifyRequest): unknown;
}

/**
 * Sends one HTTP failure in a surface's shape.
 *
 * @example
 * sendHttpFailure(FLEX_ERROR_SHAPE, 'not_found', 'no route GET /v1/apps/x/y', request, reply);
 */
export function sendHttpFailure(
  shape: SurfaceErrorShape,
  failure: HttpFailure,
  message: string,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number = HTTP_FAILURE_STATUS[failure],
): FastifyReply {
  if (failure === 'unavailable')
    reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
  return reply.code(status).send(shape.body(shape.http[failure], message, request));
}

/** The message of a schema validation error: which part of the request and which field. */
function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  const message = `${error.validationContext ?? 'request'} ${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`;
  return message.replace(/\s+/g, ' ').trim();
}

/**
 * Answers any error thrown on a surface's route (handler or hook) in that surface's shape. A core
 * error gets its table's status and code with a fixed public message, and its reason goes to the
 * request log; malformed input says which field; nothing else reveals more than its status.
 *
 * @example
 * app.setErrorHandler((error, request, reply) => sendSurfaceError(FLEX_ERROR_SHAPE, error, request, reply));
 */
export function sendSurfaceError(
  shape: SurfaceErrorShape,
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (isLatchkeyError(error)) {
    const mapped = shape.core(error.code);
    // The caller gets the code; an operator looking at this request gets the check behind it.
    request.log.info(
      { surface: shape.name, code: error.code, reason: error.reason, detail: error.message },
      'request refused',
    );
    const message = publicMessage(error, shape.messages);
    return reply.code(mapped.status).send(shape.body(mapped.code, message, request));
  }
  if (error.validation) {
    return sendHttpFailure(shape, 'invalid_request', validationMessage(error), request, reply);
  }
  if (error instanceof BodyParseError) {
    return sendHttpFailure(shape, 'invalid_request', error.message, request, reply);
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return sendHttpFailure(shape, 'payload_too_large', 'request body is too large', request, reply);
  }
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendHttpFailure(shape, 'uri_too_long', 'a path segment is too long', request, reply);
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return sendHttpFailure(
      shape,
      'invalid_request',
      'the request path is not valid percent-encoded UTF-8',
      request,
      reply,
    );
  }
  if (isStoreUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    const message = 'the database is unavailable; retry shortly';
    return sendHttpFailure(shape, 'unavailable', message, request, reply);
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own refusals describe the request; any other error's text is not the caller's.
    const message = error.code?.startsWith('FST_') ? error.message : 'the request is not valid';
    return sendHttpFailure(shape, 'invalid_request', message, request, reply, status);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendHttpFailure(shape, 'internal_error', 'internal server error', request, reply);
}

/**
 * The answer for a request no route matches.
 *
 * @example
 * app.setNotFoundHandler((request, reply) => sendNoRoute(ADMIN_ERROR_SHAPE, request, reply));
 */
export function sendNoRoute(
  shape: SurfaceErrorShape,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  // The path is the caller's own; it is cut short so that a long URL is not echoed whole.
  const path = (request.url.split('?')[0] ?? '').slice(0, 200);
  return sendHttpFailure(shape, 'not_found', `no route ${request.method} ${path}`, request, reply);
}
