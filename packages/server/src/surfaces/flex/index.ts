import { isLatchkeyError, type Runtime } from '@latchkey/core';
import { isStoreUnavailable } from '@latchkey/store';
import type { FastifyError, FastifyInstance } from 'fastify';
import { BodyParseError } from '../../http/json-body.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { registerFlexCors } from './cors.ts';
import { FLEX_ERRORS, flexErrorBody } from './flex-errors.ts';
import { registerManagementRoutes } from './management-routes.ts';

/** Options for the flex surface. */
export interface FlexSurfaceOptions {
  runtime: Runtime;
}

/**
 * The flex surface: the transaction/nonce contract of Passage Passkey Flex, under `/v1/apps/…`.
 * Every error leaves in the contract's shape, `{"code", "error"}`.
 */
export async function flexSurface(
  app: FastifyInstance,
  options: FlexSurfaceOptions,
): Promise<void> {
  const { runtime } = options;
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isLatchkeyError(error)) {
      const mapped = FLEX_ERRORS[error.code];
      return reply.code(mapped.status).send(flexErrorBody(mapped.code, error.message));
    }
    if (error.validation) {
      const message = `${error.validationContext ?? 'request'} ${error.validation[0]?.instancePath ?? ''} ${error.validation[0]?.message ?? 'is invalid'}`;
      return reply.code(400).send(flexErrorBody('invalid_request', message.replace(/\s+/g, ' ')));
    }
    if (error instanceof BodyParseError) {
      return reply.code(400).send(flexErrorBody('invalid_request', error.message));
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(flexErrorBody('invalid_request', 'request body is too large'));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(flexErrorBody('invalid_request', error.message));
    }
    if (isStoreUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .code(503)
        .header('retry-after', '1')
        .send(flexErrorBody('internal_server_error', 'the database is unavailable; retry shortly'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(flexErrorBody('internal_server_error', 'internal server error'));
  });
  registerFlexCors(app, runtime);
  registerManagementRoutes(app, runtime);
  registerAuthRoutes(app, runtime);
}
