import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  type AppPolicy,
  appStats,
  createApiKey,
  createApp,
  getApp,
  LatchkeyError,
  listApiKeys,
  listApps,
  type Runtime,
  revokeApiKey,
  updateApp,
} from '@latchkey/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { asOperator } from './operator-request.ts';
import { presentApp, presentKey } from './presenters.ts';
import {
  ApiKeyCreated,
  ApiKeys,
  App,
  AppCreated,
  AppParams,
  Apps,
  CreateAppBody,
  errors,
  KeyParams,
  Stats,
  StatsQuery,
  UpdateAppBody,
} from './schemas.ts';

const tags = ['admin: apps and keys'];
const security = [{ operatorToken: [] }];

/** Apps (list, create, settings), their API keys, and their charts' counts. */
export function registerAppRoutes(app: FastifyInstance, runtime: Runtime): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/apps',
    { schema: { tags, security, summary: 'List apps', response: { 200: Apps, ...errors } } },
    async () => ({ apps: (await listApps(runtime)).map(presentApp) }),
  );

  r.post(
    '/apps',
    {
      schema: {
        tags,
        security,
        summary: 'Create an app and its first API key (shown once)',
        body: CreateAppBody,
        response: { 201: AppCreated, ...errors },
      },
    },
    async (request, reply) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      const { body } = request;
      const created = await createApp(
        acting,
        {
          name: body.name,
          origins: body.origins,
          ...(body.rp_id ? { rpId: body.rp_id } : {}),
          ...(body.policy ? { policy: body.policy as Partial<AppPolicy> } : {}),
        },
        context,
      );
      return reply.code(201).send({
        app: presentApp(created.app),
        api_key: created.apiKey,
        api_key_id: created.apiKeyId,
      });
    },
  );

  r.get(
    '/apps/:app_id',
    {
      schema: {
        tags,
        security,
        summary: 'One app with its settings',
        params: AppParams,
        response: { 200: App, ...errors },
      },
    },
    async (request) => presentApp(await getApp(runtime, request.params.app_id)),
  );

  r.patch(
    '/apps/:app_id',
    {
      schema: {
        tags,
        security,
        summary: 'Change an app’s name, origins, RP ID or policy (lifetimes, rate limits…)',
        params: AppParams,
        body: UpdateAppBody,
        response: { 200: App, ...errors },
      },
    },
    async (request) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      const { body } = request;
      const updated = await updateApp(
        acting,
        {
          appId: request.params.app_id,
          ...(body.name ? { name: body.name } : {}),
          ...(body.origins ? { origins: body.origins } : {}),
          ...(body.rp_id ? { rpId: body.rp_id } : {}),
          ...(body.policy ? { policy: body.policy as Partial<AppPolicy> } : {}),
          ...(body.force_rp_id_change ? { forceRpIdChange: true } : {}),
        },
        context,
      );
      return presentApp(updated);
    },
  );

  r.get(
    '/apps/:app_id/keys',
    {
      schema: {
        tags,
        security,
        summary: 'An app’s API keys (never their secrets), with when each was last used',
        params: AppParams,
        response: { 200: ApiKeys, ...errors },
      },
    },
    async (request) => ({
      keys: (await listApiKeys(runtime, request.params.app_id)).map(presentKey),
    }),
  );

  r.post(
    '/apps/:app_id/keys',
    {
      schema: {
        tags,
        security,
        summary: 'Create an API key; the whole key is in this response only',
        params: AppParams,
        response: { 201: ApiKeyCreated, ...errors },
      },
    },
    async (request, reply) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      const key = await createApiKey(acting, { appId: request.params.app_id }, context);
      return reply.code(201).send({ key: presentKey(key.record), api_key: key.apiKey });
    },
  );

  r.delete(
    '/apps/:app_id/keys/:key_id',
    {
      schema: {
        tags,
        security,
        summary: 'Revoke an API key',
        params: KeyParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      await revokeApiKey(
        acting,
        { appId: request.params.app_id, keyId: request.params.key_id },
        context,
      );
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/apps/:app_id/stats',
    {
      schema: {
        tags,
        security,
        summary:
          'Ceremonies per day or per bucket of a range (abandoned ones too), failure reasons, actions by code and state, rule fires',
        params: AppParams,
        querystring: StatsQuery,
        response: { 200: Stats, ...errors },
      },
    },
    async (request) => {
      const { days, range } = request.query;
      if (days !== undefined && range !== undefined) {
        throw new LatchkeyError('invalid_request', 'querystring: give days or range, not both');
      }
      const stats = await appStats(runtime, {
        appId: request.params.app_id,
        ...(days ? { days } : {}),
        ...(range ? { range } : {}),
      });
      return {
        days: stats.days,
        since: new Date(stats.since).toISOString(),
        until: new Date(stats.until).toISOString(),
        bucket_seconds: stats.bucketMs / 1000,
        buckets: stats.buckets.map((b) => ({ ...b, start: new Date(b.start).toISOString() })),
        in_progress: stats.inProgress,
        failure_reasons: stats.failureReasons,
        actions_by_code: stats.actionsByCode,
        rule_fires: stats.ruleFires,
        passkey_creations: stats.passkeyCreations,
      };
    },
  );
}
