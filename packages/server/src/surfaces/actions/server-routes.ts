import {
  authenticateSecretKey,
  deleteActionsUser,
  findActionsUser,
  getAction,
  getApp,
  isActionState,
  LatchkeyError,
  queryUserActions,
  type Runtime,
  removeActionsAuthenticator,
  type TrackAttributes,
  trackAction,
  updateActionState,
  updateActionsUser,
  validateAction,
} from '@latchkey/core';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { externalIdSchema } from '../../http/external-id-schema.ts';
import { requestContext } from '../../http/request-context.ts';
import { basicUser } from './credentials-header.ts';
import { actionJson, actionSummaryJson, authenticatorJson, methodsJson } from './presenters.ts';

const tags = ['actions server'];
const security = [{ secretKey: [] }];
const AnyObject = Type.Object({}, { additionalProperties: true });
const UserParams = Type.Object({ userId: externalIdSchema() });
const ActionParams = Type.Object({
  userId: externalIdSchema(),
  action: Type.String({ minLength: 1, maxLength: 64 }),
});
const KeyParams = Type.Object({
  userId: externalIdSchema(),
  action: Type.String({ minLength: 1, maxLength: 64 }),
  idempotencyKey: Type.String({ minLength: 1, maxLength: 200 }),
});
const ValidateBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 512 }),
    action: Type.Optional(Type.String({ maxLength: 64 })),
    userId: Type.Optional(externalIdSchema({ minLength: 0 })),
  },
  { additionalProperties: true },
);

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
  redirectUrl: unknown,
  token: string,
): string {
  const web = origins.find((o) => o.startsWith('http'));
  const base =
    typeof redirectUrl === 'string' && redirectUrl ? redirectUrl : `${web ?? `https://${rpId}`}/`;
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/**
 * The server API of the actions contract: what `@authsignal/node` calls with the app's secret key.
 */
export function registerServerRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.post<{ Params: Static<typeof ActionParams>; Body: TrackAttributes }>(
    '/v1/users/:userId/actions/:action',
    {
      schema: {
        tags,
        security,
        summary:
          'Track an action: the rules decide ALLOW, CHALLENGE_REQUIRED, REVIEW_REQUIRED or BLOCK',
        params: ActionParams,
        body: AnyObject,
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

  app.post<{ Body: Static<typeof ValidateBody> }>(
    '/v1/validate',
    {
      schema: {
        tags,
        security,
        summary: 'Validate a token before performing its action: valid once, for its own action',
        body: ValidateBody,
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
              verificationMethod: 'PASSKEY',
              verifiedByAuthenticatorId: action.verifiedByCredentialId,
            }),
        custom: action.custom,
        attributesHash: action.attributesHash,
        // A challenge not yet met is no error: the state says it all.
        ...(result.error === null || result.error === 'challenge_not_succeeded'
          ? {}
          : { error: result.error, errorDescription: result.errorDescription }),
      };
    },
  );

  app.get<{ Params: Static<typeof UserParams> }>(
    '/v1/users/:userId',
    {
      schema: {
        tags,
        security,
        summary: 'A user and whether they have a passkey',
        params: UserParams,
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const found = await findActionsUser(runtime, { appId, externalId: request.params.userId });
      // The SDKs expect 200 with isEnrolled false for a user latchkey has not seen.
      if (!found) return { emailVerified: false, phoneNumberVerified: false, ...methodsJson(0) };
      return {
        emailVerified: false,
        phoneNumberVerified: false,
        username: found.user.displayName,
        displayName: found.user.displayName,
        ...methodsJson(found.credentials.length),
      };
    },
  );

  app.patch<{ Params: Static<typeof UserParams>; Body: Record<string, unknown> }>(
    '/v1/users/:userId',
    {
      schema: {
        tags,
        security,
        summary: "Update a user's display name",
        params: UserParams,
        body: AnyObject,
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const { displayName, username } = request.body;
      const name = typeof displayName === 'string' ? displayName : username;
      if (name !== undefined && typeof name !== 'string') {
        throw new LatchkeyError('invalid_request', 'displayName must be a string');
      }
      await updateActionsUser(
        runtime,
        { appId, externalId: request.params.userId, displayName: name ?? null },
        requestContext(request),
      );
      return request.body;
    },
  );

  app.delete<{ Params: Static<typeof UserParams> }>(
    '/v1/users/:userId',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a user with their passkeys and actions',
        params: UserParams,
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      await deleteActionsUser(
        runtime,
        { appId, externalId: request.params.userId },
        requestContext(request),
      );
      return { success: true };
    },
  );

  app.get<{ Params: Static<typeof UserParams> }>(
    '/v1/users/:userId/authenticators',
    { schema: { tags, security, summary: "A user's passkeys", params: UserParams } },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const found = await findActionsUser(runtime, { appId, externalId: request.params.userId });
      return found ? found.credentials.map((c) => authenticatorJson(found.user, c)) : [];
    },
  );

  app.delete<{ Params: Static<typeof UserParams> & { authenticatorId: string } }>(
    '/v1/users/:userId/authenticators/:authenticatorId',
    {
      schema: {
        tags,
        security,
        summary: "Remove one of a user's passkeys (audited)",
        params: Type.Object({
          userId: externalIdSchema(),
          authenticatorId: Type.String({ minLength: 1, maxLength: 100 }),
        }),
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      await removeActionsAuthenticator(
        runtime,
        {
          appId,
          externalId: request.params.userId,
          userAuthenticatorId: request.params.authenticatorId,
        },
        requestContext(request),
      );
      return { success: true };
    },
  );

  app.get<{
    Params: Static<typeof UserParams>;
    Querystring: { fromDate?: string; codes?: string; state?: string };
  }>(
    '/v1/users/:userId/actions',
    {
      schema: {
        tags,
        security,
        summary: "A user's actions, newest first",
        params: UserParams,
        querystring: Type.Object({
          fromDate: Type.Optional(Type.String({ maxLength: 40 })),
          codes: Type.Optional(Type.String({ maxLength: 2000 })),
          state: Type.Optional(Type.String({ maxLength: 40 })),
        }),
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const { fromDate, codes, state } = request.query;
      const since = fromDate ? Date.parse(fromDate) : undefined;
      if (since !== undefined && Number.isNaN(since)) {
        throw new LatchkeyError('invalid_request', 'fromDate must be an ISO 8601 date');
      }
      if (state !== undefined && !isActionState(state)) {
        throw new LatchkeyError('invalid_request', `unknown state ${state}`);
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

  app.get<{ Params: Static<typeof KeyParams> }>(
    '/v1/users/:userId/actions/:action/:idempotencyKey',
    {
      schema: {
        tags,
        security,
        summary: 'One action: its state, the rules that fired, and every change of its state',
        params: KeyParams,
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

  app.patch<{ Params: Static<typeof KeyParams>; Body: { state?: unknown } }>(
    '/v1/users/:userId/actions/:action/:idempotencyKey',
    {
      schema: {
        tags,
        security,
        summary: "Move an action's state forward (such as a review's result)",
        params: KeyParams,
        body: AnyObject,
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const { state } = request.body;
      if (!isActionState(state))
        throw new LatchkeyError('invalid_request', 'state is not a known state');
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
