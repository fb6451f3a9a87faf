import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  deleteActionsUser,
  findActionsUser,
  type Runtime,
  removeActionsAuthenticator,
  updateActionsUser,
} from '@latchkey/core';
import type { FastifyInstance } from 'fastify';
import { acknowledgesPrfLoss, RevokeQuery } from '../../http/prf-loss-query.ts';
import { requestContext } from '../../http/request-context.ts';
import { authenticatorJson, methodsJson } from './presenters.ts';
import { Authenticators, ACTIONS_ERROR_RESPONSES as errors, Success } from './schemas/common.ts';
import {
  ActionsUser,
  AuthenticatorParams,
  UpdatedUser,
  UpdateUserBody,
  UserParams,
} from './schemas/server.ts';
import { serverAppId } from './server-routes.ts';

const tags = ['actions server'];
const security = [{ secretKey: [] }];

/**
 * The user routes of the actions server API (`getUser`, `updateUser`, `deleteUser`,
 * `getAuthenticators`, `deleteAuthenticator`), with the app's secret key.
 */
export function registerUserRoutes(app: FastifyInstance, runtime: Runtime): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/v1/users/:userId',
    {
      schema: {
        tags,
        security,
        summary: 'A user and whether they have a passkey',
        params: UserParams,
        response: { 200: ActionsUser, ...errors },
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

  r.patch(
    '/v1/users/:userId',
    {
      schema: {
        tags,
        security,
        summary: "Update a user's display name",
        params: UserParams,
        body: UpdateUserBody,
        response: { 200: UpdatedUser, ...errors },
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const { displayName, username } = request.body;
      await updateActionsUser(
        runtime,
        { appId, externalId: request.params.userId, displayName: displayName ?? username ?? null },
        requestContext(request),
      );
      return request.body;
    },
  );

  r.delete(
    '/v1/users/:userId',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a user with their passkeys and actions',
        params: UserParams,
        response: { 200: Success, ...errors },
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

  r.get(
    '/v1/users/:userId/authenticators',
    {
      schema: {
        tags,
        security,
        summary: "A user's passkeys",
        params: UserParams,
        response: { 200: Authenticators, ...errors },
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const found = await findActionsUser(runtime, { appId, externalId: request.params.userId });
      return found ? found.credentials.map((c) => authenticatorJson(found.user, c)) : [];
    },
  );

  r.delete(
    '/v1/users/:userId/authenticators/:authenticatorId',
    {
      schema: {
        tags,
        security,
        summary: "Remove one of a user's passkeys (audited)",
        params: AuthenticatorParams,
        querystring: RevokeQuery,
        response: { 200: Success, ...errors },
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
          acknowledgePrfLoss: acknowledgesPrfLoss(request.query),
        },
        requestContext(request),
      );
      return { success: true };
    },
  );
}
