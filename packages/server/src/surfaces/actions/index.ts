import type { Runtime } from '@latchkey/core';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { sendSurfaceError } from '../../http/surface-error-handler.ts';
import { ACTIONS_CLIENT_ERROR_SHAPE, ACTIONS_SERVER_ERROR_SHAPE } from './actions-errors.ts';
import { registerClientRoutes } from './client-routes.ts';
import { registerConfigRoutes } from './config-routes.ts';
import { registerClientCors } from './cors.ts';
import { registerServerRoutes } from './server-routes.ts';
import { registerUserRoutes } from './user-routes.ts';

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
  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendSurfaceError(
      isClient(request) ? ACTIONS_CLIENT_ERROR_SHAPE : ACTIONS_SERVER_ERROR_SHAPE,
      error,
      request,
      reply,
    ),
  );
  registerClientCors(app, runtime);
  registerServerRoutes(app, runtime);
  registerUserRoutes(app, runtime);
  registerConfigRoutes(app, runtime);
  registerClientRoutes(app, runtime);
}
