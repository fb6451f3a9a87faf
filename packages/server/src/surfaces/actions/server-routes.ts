import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  authenticateSecretKey,
  getAction,
  getApp,
  LatchkeyError,
  queryUserActions,
  type Runtime,
  trackAction,
  updateActionState,
  validateAction,
} from '@latchkey/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestContext } from '../../http/request-context.ts';
import { basicUser } from './credentials-header.ts';
import { actionJson, actionSummaryJson, methodsJson, verifiedPasskeyJson } from './presenters.ts';
import { ACTIONS_ERROR_RESPONSES as errors } from './schemas/common.ts';
import {
  ActionDetail,
  ActionParams,
  ActionStateOnly,
  ActionSummaries,
  ActionsQuery,
  KeyParams,
  TrackBody,
  Tracked,
  UpdateActionBody,
  UserParams,
  ValidateBody,
  Validated,
} from './schemas/server.ts';

const tags = ['actions server'];
const security = [{ secretKey: [] }];
/** The app whose secret key authorizes this server API request (`Basic base64(secret:)`). */
export async function serverAppId(runtime: Runtime, request: FastifyRequest): Promise<string> {
  return authenticateSecretKey(
    runtime,
    { apiKey: basicUser(request) ?? undefined },
    requestContext(request),
  );
}

/** Where the user is sent when the app uses the `url` of a track: its own page, with the token. */
function challengeUrl(
  origins: string[],
  rpId: string,
  redirectUrl: string | null | undefined,
  token: string,
): string {
  const web = origins.find((o) => o.startsWith('http'));
  const base = redirectUrl ? redirectUrl : `${web ?? `https://${rpId}`}/`;
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/**
 * The server API of the actions contract: what `@authsignal/node` calls with the app's secret key.
 * Tracking, validating and reading actions; the user routes are in user-routes.ts.
 */
export function registerServerRoutes(app: FastifyInstance, runtime: Runtime): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/v1/users/:userId/actions/:action',
    {
      schema: {
        tags,
        security,
        summary:
          'Track an action: the rules decide ALLOW, CHALLENGE_REQUIRED, REVIEW_REQUIRED or BLOCK',
        params: ActionParams,
        body: TrackBody,
        response: { 200: Tracked, ...errors },
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const tracked = await trackAction(
        runtime,
        {
          appId,
          externalId: request.params.userId,
          actionCode: request.params.action,
          attributes: request.body,
        },
        requestContext(request),
      );
      const record = await getApp(runtime, appId);
      const { action, token } = tracked;
      return {
        state: action.state,
        idempotencyKey: action.idempotencyKey,
        url: challengeUrl(record.origins, record.rpId, request.body.redirectUrl, token),
        token,
        ...methodsJson(tracked.isEnrolled ? 1 : 0),
        ruleIds: action.rules.map((r) => r.ruleId),
      };
    },
  );

  r.post(
    '/v1/validate',
    {
      schema: {
        tags,
        security,
        summary: 'Validate a token before performing its action: valid once, for its own action',
        body: ValidateBody,
        response: { 200: Validated, ...errors },
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const result = await validateAction(
        runtime,
        {
          appId,
          token: request.body.token,
          ...(request.body.userId ? { externalId: request.body.userId } : {}),
          ...(request.body.action ? { actionCode: request.body.action } : {}),
        },
        requestContext(request),
      );
      if (result.action === null) {
        return { isValid: false, error: result.error, errorDescription: result.errorDescription };
      }
      const { action, user } = result;
      return {
        isValid: result.isValid,
        state: action.state,
        stateUpdatedAt: new Date(action.stateUpdatedAt).toISOString(),
        userId: user.externalId,
        actionCode: action.actionCode,
        idempotencyKey: action.idempotencyKey,
        ...(action.verifiedByCredentialId === null
          ? {}
          : {
              verificationMethod: 'PASSKEY' as const,
              verifiedByAuthenticatorId: action.verifiedByCredentialId,
            }),
        custom: action.custom,
        attributesHash: action.attributesHash,
        ...(result.sessionToken === null ? {} : { sessionToken: result.sessionToken }),
        passkeyRequirement: action.passkeyRequirement ?? null,
        ...(result.credential ? { verifiedPasskey: verifiedPasskeyJson(result.credential) } : {}),
        // A challenge not yet met is no error: the state says it all.
        ...(result.error === null || result.error === 'challenge_not_succeeded'
          ? {}
          : { error: result.error, errorDescription: result.errorDescription }),
      };
    },
  );

  r.get(
    '/v1/users/:userId/actions',
    {
      schema: {
        tags,
        security,
        summary: "A user's actions, newest first",
        params: UserParams,
        querystring: ActionsQuery,
        response: { 200: ActionSummaries, ...errors },
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const { fromDate, codes, state } = request.query;
      const since = fromDate ? Date.parse(fromDate) : undefined;
      if (since !== undefined && Number.isNaN(since)) {
        throw new LatchkeyError('invalid_request', 'fromDate must be an ISO 8601 date');
      }
      const actions = await queryUserActions(runtime, {
        appId,
        externalId: request.params.userId,
        ...(since === undefined ? {} : { since }),
        ...(codes ? { codes: codes.split(',').filter(Boolean) } : {}),
        ...(state ? { state } : {}),
      });
      return actions.map(actionSummaryJson);
    },
  );

  r.get(
    '/v1/users/:userId/actions/:action/:idempotencyKey',
    {
      schema: {
        tags,
        security,
        summary: 'One action: its state, the rules that fired, and every change of its state',
        params: KeyParams,
        response: { 200: ActionDetail, ...errors },
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const { action, changes } = await getAction(runtime, {
        appId,
        externalId: request.params.userId,
        actionCode: request.params.action,
        idempotencyKey: request.params.idempotencyKey,
      });
      return actionJson(action, changes);
    },
  );

  r.patch(
    '/v1/users/:userId/actions/:action/:idempotencyKey',
    {
      schema: {
        tags,
        security,
        summary: "Move an action's state forward (such as a review's result)",
        params: KeyParams,
        body: UpdateActionBody,
        response: { 200: ActionStateOnly, ...errors },
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const { state } = request.body;
      const action = await updateActionState(
        runtime,
        {
          appId,
          externalId: request.params.userId,
          actionCode: request.params.action,
          idempotencyKey: request.params.idempotencyKey,
          state,
        },
        requestContext(request),
      );
      return { state: action.state };
    },
  );
}
