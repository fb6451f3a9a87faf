import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  authenticateApiKey,
  createRecoveryTransaction,
  createTransaction,
  getApp,
  getUser,
  listDevices,
  listUsers,
  type Runtime,
  redeemNonce,
  revokeDevice,
} from '@latchkey/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { acknowledgesPrfLoss, RevokeQuery } from '../../http/prf-loss-query.ts';
import { requestContext } from '../../http/request-context.ts';
import { presentApp, presentDevice, presentUser, presentUserInfo } from './presenters.ts';
import {
  AppInfoResponse,
  AppParams,
  CreateAuthenticateTransactionBody,
  CreateRecoveryTransactionBody,
  CreateRegisterTransactionBody,
  DeviceParams,
  DevicesResponse,
  ErrorBody,
  ListUsersQuery,
  NonceVerified,
  PaginatedUsers,
  TransactionCreated,
  UserInfoResponse,
  UserParams,
  VerifyNonceBody,
} from './schemas.ts';

const security = [{ apiKey: [] }];
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['flex management'];

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/**
 * The flex management API: what an app's backend calls with its API key (`Authorization: Bearer`).
 * An unknown app answers 404 `app_not_found`; a bad, revoked or foreign key 401.
 */
export function registerManagementRoutes(app: FastifyInstance, runtime: Runtime): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  // Runs before the body is read: a caller without a valid key learns nothing from validation.
  async function authorize(request: FastifyRequest): Promise<void> {
    const appId = (request.params as { app_id: string }).app_id;
    await getApp(runtime, appId);
    await authenticateApiKey(runtime, { appId, apiKey: bearer(request) }, requestContext(request));
  }

  r.post(
    '/v1/apps/:app_id/transactions/register',
    {
      schema: {
        tags,
        security,
        summary: 'Create a register transaction for one of the app’s users',
        params: AppParams,
        body: CreateRegisterTransactionBody,
        response: { 201: TransactionCreated, ...errors },
      },
      onRequest: authorize,
    },
    async (request, reply) => {
      const transaction = await createTransaction(
        runtime,
        {
          appId: request.params.app_id,
          kind: 'register',
          externalId: request.body.external_id,
          passkeyDisplayName: request.body.passkey_display_name,
          ...(request.body.hints ? { hints: request.body.hints } : {}),
          ...(request.body.upgrade ? { upgrade: true } : {}),
        },
        requestContext(request),
      );
      return reply.code(201).send({ transaction_id: transaction.id });
    },
  );

  r.post(
    '/v1/apps/:app_id/transactions/authenticate',
    {
      schema: {
        tags,
        security,
        summary: 'Create an authenticate transaction for a user with passkeys',
        params: AppParams,
        body: CreateAuthenticateTransactionBody,
        response: { 201: TransactionCreated, ...errors },
      },
      onRequest: authorize,
    },
    async (request, reply) => {
      const transaction = await createTransaction(
        runtime,
        {
          appId: request.params.app_id,
          kind: 'authenticate',
          externalId: request.body.external_id,
          ...(request.body.hints ? { hints: request.body.hints } : {}),
        },
        requestContext(request),
      );
      return reply.code(201).send({ transaction_id: transaction.id });
    },
  );

  // Account recovery: the app proved who the person is by its own means; an unknown external id is
  // user_not_found, which tells the app's own backend nothing it does not know.
  r.post(
    '/v1/apps/:app_id/transactions/recovery',
    {
      schema: {
        tags,
        security,
        summary: 'Create an account recovery transaction: a registration for an existing user',
        description:
          'The browser runs the ordinary registration with it. Its finish stores the new passkey and, unless revoke_other_passkeys is false, revokes the user’s other passkeys in the same database transaction.',
        params: AppParams,
        body: CreateRecoveryTransactionBody,
        response: { 201: TransactionCreated, ...errors },
      },
      onRequest: authorize,
    },
    async (request, reply) => {
      const { body } = request;
      const transaction = await createRecoveryTransaction(
        runtime,
        {
          appId: request.params.app_id,
          externalId: body.external_id,
          ...(body.passkey_display_name === undefined
            ? {}
            : { passkeyDisplayName: body.passkey_display_name }),
          ...(body.revoke_other_passkeys === undefined
            ? {}
            : { revokeOtherPasskeys: body.revoke_other_passkeys }),
        },
        requestContext(request),
      );
      return reply.code(201).send({ transaction_id: transaction.id });
    },
  );

  r.post(
    '/v1/apps/:app_id/authenticate/verify',
    {
      schema: {
        tags,
        security,
        summary: 'Redeem a nonce once and learn which user it names',
        params: AppParams,
        body: VerifyNonceBody,
        response: { 200: NonceVerified, ...errors },
      },
      onRequest: authorize,
    },
    async (request) => {
      const { user, sessionToken } = await redeemNonce(
        runtime,
        { appId: request.params.app_id, nonce: request.body.nonce },
        requestContext(request),
      );
      return {
        external_id: user.externalId,
        ...(sessionToken === null ? {} : { session_token: sessionToken }),
      };
    },
  );

  r.get(
    '/v1/apps/:app_id/users',
    {
      schema: {
        tags,
        security,
        summary: 'List users, or find one by external id (`identifier`)',
        params: AppParams,
        querystring: ListUsersQuery,
        response: { 200: PaginatedUsers, ...errors },
      },
      onRequest: authorize,
    },
    async (request) => {
      const { app_id: appId } = request.params;
      const limit = request.query.limit ?? 20;
      const page = request.query.page ?? 1;
      const createdBefore = request.query.created_before ?? Math.floor(runtime.now() / 1000);
      const result = await listUsers(runtime, {
        appId,
        ...(request.query.identifier !== undefined ? { externalId: request.query.identifier } : {}),
        limit,
        offset: (page - 1) * limit,
        // Users created after the first page was served do not shift later pages.
        createdBefore: (createdBefore + 1) * 1000,
      });
      const lastPage = Math.max(1, Math.ceil(result.total / limit));
      const href = (p: number): string => {
        const query = new URLSearchParams({ page: String(p), limit: String(limit) });
        if (request.query.identifier !== undefined)
          query.set('identifier', request.query.identifier);
        query.set('created_before', String(createdBefore));
        return `/v1/apps/${encodeURIComponent(appId)}/users?${query}`;
      };
      return {
        _links: {
          first: { href: href(1) },
          last: { href: href(lastPage) },
          next: { href: page < lastPage ? href(page + 1) : '' },
          previous: { href: page > 1 ? href(Math.min(page - 1, lastPage)) : '' },
          self: { href: href(page) },
        },
        created_before: createdBefore,
        limit,
        page,
        total_users: result.total,
        users: result.items.map(presentUser),
      };
    },
  );

  r.get(
    '/v1/apps/:app_id/users/:user_id',
    {
      schema: {
        tags,
        security,
        summary: 'A user with their passkeys',
        params: UserParams,
        response: { 200: UserInfoResponse, ...errors },
      },
      onRequest: authorize,
    },
    async (request) => {
      const params = { appId: request.params.app_id, userId: request.params.user_id };
      const user = await getUser(runtime, params);
      const devices = await listDevices(runtime, params);
      return { user: presentUserInfo(user, devices) };
    },
  );

  r.get(
    '/v1/apps/:app_id/users/:user_id/devices',
    {
      schema: {
        tags,
        security,
        summary: 'A user’s passkeys',
        params: UserParams,
        response: { 200: DevicesResponse, ...errors },
      },
      onRequest: authorize,
    },
    async (request) => {
      const devices = await listDevices(runtime, {
        appId: request.params.app_id,
        userId: request.params.user_id,
      });
      return { devices: devices.map(presentDevice) };
    },
  );

  r.delete(
    '/v1/apps/:app_id/users/:user_id/devices/:device_id',
    {
      schema: {
        tags,
        security,
        summary: 'Revoke one of a user’s passkeys by device id',
        params: DeviceParams,
        querystring: RevokeQuery,
        response: { 200: Type.Object({}), ...errors, 403: ErrorBody },
      },
      onRequest: authorize,
    },
    async (request) => {
      await revokeDevice(
        runtime,
        {
          appId: request.params.app_id,
          userId: request.params.user_id,
          deviceId: request.params.device_id,
          acknowledgePrfLoss: acknowledgesPrfLoss(request.query),
        },
        requestContext(request),
      );
      return {};
    },
  );

  // Public: the browser SDK reads `auth_origin`; legacy backend SDKs call it with their key.
  r.get(
    '/v1/apps/:app_id',
    {
      schema: {
        tags: ['flex auth'],
        summary: 'Public information about an app',
        params: AppParams,
        response: { 200: AppInfoResponse, 404: ErrorBody },
      },
    },
    async (request) => presentApp(await getApp(runtime, request.params.app_id)),
  );
}
