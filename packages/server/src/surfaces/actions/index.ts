import { isLatchkeyError, type Runtime } from '@latchkey/core';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { BodyParseError } from '../../http/json-body.ts';
import { actionsErrorBody, CLIENT_ERRORS, SERVER_ERRORS } from './actions-errors.ts';
import { registerClientRoutes } from './client-routes.ts';
import { registerConfigRoutes } from './config-routes.ts';
import { registerClientCors } from './cors.ts';
import { registerServerRoutes } from './server-routes.ts';

/** Options for the actions surface. */
export interface ActionsSurfaceOptions {
  runtime: Runtime;
}

function isClient(request: FastifyRequest): boolean {
  return request.url.startsWith('/v1/client/');
}

/**
 * The actions surface: the track/validate contract that the published `@authsignal/node` and
 * `@authsignal/browser` packages speak, under `/v1` beside the flex API, with the app id as the
 * tenant id and an app API key as the secret key. Every error is
 * `{"error", "errorCode", "errorDescription"}`.
 */
export async function actionsSurface(
  app: FastifyInstance,
  options: ActionsSurfaceOptions,
): Promise<void> {
  const { runtime } = options;
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isLatchkeyError(error)) {
      const mapped = (isClient(request) ? CLIENT_ERRORS : SERVER_ERRORS)[error.code];
      return reply.code(mapped.status).send(actionsErrorBody(mapped.error, error.message));
    }
    if (error.validation) {
      const first = error.validation[0];
      const message = `${error.validationContext ?? 'request'} ${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`;
      return reply
        .code(400)
        .send(actionsErrorBody('invalid_request', message.replace(/\s+/g, ' ')));
    }
    if (error instanceof BodyParseError) {
      return reply.code(400).send(actionsErrorBody('invalid_request', error.message));
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(actionsErrorBody('invalid_request', 'request body is too large'));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(actionsErrorBody('invalid_request', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(actionsErrorBody('internal_error', 'internal server error'));
  });
  registerClientCors(app, runtime);
  registerServerRoutes(app, runtime);
  registerConfigRoutes(app, runtime);
  registerClientRoutes(app, runtime);
}
