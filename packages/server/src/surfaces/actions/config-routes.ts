import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  getActionConfig,
  LatchkeyError,
  listActionConfigs,
  type Runtime,
  setActionConfig,
} from '@latchkey/core';
import type { FastifyInstance } from 'fastify';
import { requestContext } from '../../http/request-context.ts';
import { actionConfigJson } from './presenters.ts';
import { ACTIONS_ERROR_RESPONSES as errors } from './schemas/common.ts';
import {
  ActionConfigBody,
  ActionConfigJson,
  ActionConfigList,
  CodeParams,
} from './schemas/server.ts';
import { serverAppId } from './server-routes.ts';

const tags = ['actions rules'];
const security = [{ secretKey: [] }];

/**
 * Rules per action code, with the app's secret key: the HTTP twin of `latchkey actions set|get|list`.
 * A change applies to the next track on every instance.
 */
export function registerConfigRoutes(app: FastifyInstance, runtime: Runtime): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/v1/action-configs',
    {
      schema: {
        tags,
        security,
        summary: "Every configured action code's rules",
        response: { 200: ActionConfigList, ...errors },
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      return (await listActionConfigs(runtime, { appId })).map(actionConfigJson);
    },
  );

  r.get(
    '/v1/action-configs/:actionCode',
    {
      schema: {
        tags,
        security,
        summary: "An action code's rules",
        params: CodeParams,
        response: { 200: ActionConfigJson, ...errors },
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const config = await getActionConfig(runtime, {
        appId,
        actionCode: request.params.actionCode,
      });
      if (!config)
        throw new LatchkeyError('action_not_found', 'no rules are set for this action code');
      return actionConfigJson(config);
    },
  );

  r.put(
    '/v1/action-configs/:actionCode',
    {
      schema: {
        tags,
        security,
        summary: "Set an action code's default outcome and rules",
        params: CodeParams,
        body: ActionConfigBody,
        response: { 200: ActionConfigJson, ...errors },
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      // The core checks what the schema cannot: each condition's operators, variables and bounds.
      const config = await setActionConfig(
        runtime,
        { appId, actionCode: request.params.actionCode, config: request.body },
        requestContext(request),
      );
      return actionConfigJson(config);
    },
  );
}
