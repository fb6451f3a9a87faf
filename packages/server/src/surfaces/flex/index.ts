import type { Runtime } from '@latchkey/core';
import type { FastifyError, FastifyInstance } from 'fastify';
import { sendSurfaceError } from '../../http/surface-error-handler.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { registerFlexCors } from './cors.ts';
import { FLEX_ERROR_SHAPE } from './flex-errors.ts';
import { registerJwksRoute } from './jwks-route.ts';
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
  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendSurfaceError(FLEX_ERROR_SHAPE, error, request, reply),
  );
  registerFlexCors(app, runtime);
  registerManagementRoutes(app, runtime);
  registerAuthRoutes(app, runtime);
  registerJwksRoute(app, runtime);
}
