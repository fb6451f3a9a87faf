import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { getUser, listDevices, type Runtime, revokeDevice, searchUsers } from '@latchkey/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { acknowledgesPrfLoss, RevokeQuery } from '../../http/prf-loss-query.ts';
import { asOperator } from './operator-request.ts';
import { presentPasskey, presentUser } from './presenters.ts';
import {
  AppParams,
  errors,
  PasskeyParams,
  UserDetail,
  UserParams,
  Users,
  UsersQuery,
} from './schemas.ts';

const tags = ['admin: users'];
const security = [{ operatorToken: [] }];

/** Users by external id, their passkeys, and revoking one. */
export function registerUserRoutes(app: FastifyInstance, runtime: Runtime): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/apps/:app_id/users',
    {
      schema: {
        tags,
        security,
        summary:
          'Users whose external id starts with `external_id` (all without it) and match `q` (external id prefix or display name), newest first',
        params: AppParams,
        querystring: UsersQuery,
        response: { 200: Users, ...errors },
      },
    },
    async (request) => {
      const page = await searchUsers(runtime, {
        appId: request.params.app_id,
        prefix: request.query.external_id ?? '',
        ...(request.query.q?.trim() ? { query: request.query.q.trim() } : {}),
        ...(request.query.limit ? { limit: request.query.limit } : {}),
        ...(request.query.offset ? { offset: request.query.offset } : {}),
      });
      return { users: page.items.map(presentUser), total: page.total };
    },
  );

  r.get(
    '/apps/:app_id/users/:user_id',
    {
      schema: {
        tags,
        security,
        summary: 'One user and their passkeys (provider, type, backup state, usage)',
        params: UserParams,
        response: { 200: UserDetail, ...errors },
      },
    },
    async (request) => {
      const options = { appId: request.params.app_id, userId: request.params.user_id };
      const user = await getUser(runtime, options);
      const passkeys = await listDevices(runtime, options);
      return { user: presentUser(user), passkeys: passkeys.map(presentPasskey) };
    },
  );

  r.delete(
    '/apps/:app_id/users/:user_id/passkeys/:device_id',
    {
      schema: {
        tags,
        security,
        summary: 'Revoke one of a user’s passkeys',
        params: PasskeyParams,
        querystring: RevokeQuery,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      await revokeDevice(
        acting,
        {
          appId: request.params.app_id,
          userId: request.params.user_id,
          deviceId: request.params.device_id,
          acknowledgePrfLoss: acknowledgesPrfLoss(request.query),
        },
        context,
      );
      return reply.code(204).send(null);
    },
  );
}
