import { authenticateOperator, type Runtime, type WebhookNetworkPolicy } from '@latchkey/core';
import type { FastifyError, FastifyInstance } from 'fastify';
import { coerceWholeNumbers } from '../../http/normalise-input.ts';
import { requestContext } from '../../http/request-context.ts';
import { sendNoRoute, sendSurfaceError } from '../../http/surface-error-handler.ts';
import { ADMIN_ERROR_SHAPE } from './admin-errors.ts';
import { registerAppRoutes } from './app-routes.ts';
import { registerAuditRoutes } from './audit-routes.ts';
import { registerMetadataRoutes } from './metadata-routes.ts';
import { bearer } from './operator-request.ts';
import { registerPortabilityRoutes } from './portability-routes.ts';
import { registerRulesRoutes } from './rules-routes.ts';
import { registerSessionRoutes } from './session-routes.ts';
import { registerSigningKeyRoutes } from './signing-key-routes.ts';
import { registerUserRoutes } from './user-routes.ts';
import { registerWebhookRoutes } from './webhook-routes.ts';

/** Options for the admin surface. */
export interface AdminSurfaceOptions {
  runtime: Runtime;
  /** `LATCHKEY_ADMIN_TOKEN`: an operator credential from the environment, compared by hash. */
  envToken?: string | undefined;
  /** Where webhook endpoints may point (the operator's private-network setting, DNS). */
  webhookNetwork: WebhookNetworkPolicy;
}

/** Query parameters that are whole numbers; a querystring carries them as text. */
const NUMERIC_QUERY = ['offset', 'days'];

/**
 * The admin API under `/admin/v1` (register it with that prefix): apps, keys, users and their
 * passkeys, rules and the dry run, actions, the audit log. Every route but the session exchange
 * needs an operator credential (`Authorization: Bearer`): an operator token, a console session, or
 * `LATCHKEY_ADMIN_TOKEN`. App API keys are refused. Every change is audited with the operator's
 * token id as `data.actor`. Errors leave as `{"error": {"code", "message"}, "request_id"}`.
 */
export async function adminSurface(
  app: FastifyInstance,
  options: AdminSurfaceOptions,
): Promise<void> {
  const { runtime, envToken } = options;
  app.decorateRequest('operator', null);

  // Runs before the body is read: a caller without a credential learns nothing from validation.
  app.addHook('onRequest', async (request) => {
    if ((request.routeOptions.config as { public?: boolean } | undefined)?.public) return;
    request.operator = await authenticateOperator(
      runtime,
      { credential: bearer(request), envToken },
      requestContext(request),
    );
  });
  // Callback-style: neither waits, so neither costs a promise.
  app.addHook('preValidation', (request, _reply, done) => {
    coerceWholeNumbers(request.query, NUMERIC_QUERY);
    done();
  });
  app.addHook('onSend', (_request, reply, _payload, done) => {
    reply.header('cache-control', 'no-store');
    done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendSurfaceError(ADMIN_ERROR_SHAPE, error, request, reply),
  );
  app.setNotFoundHandler((request, reply) => sendNoRoute(ADMIN_ERROR_SHAPE, request, reply));

  registerSessionRoutes(app, runtime, envToken);
  registerAppRoutes(app, runtime);
  registerUserRoutes(app, runtime);
  registerRulesRoutes(app, runtime);
  registerAuditRoutes(app, runtime);
  registerSigningKeyRoutes(app, runtime);
  registerWebhookRoutes(app, runtime, options.webhookNetwork);
  registerMetadataRoutes(app, runtime);
  registerPortabilityRoutes(app, runtime);
}
