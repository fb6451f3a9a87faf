import {
  getActionConfig,
  LatchkeyError,
  listActionConfigs,
  type Runtime,
  setActionConfig,
} from '@latchkey/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requestContext } from '../../http/request-context.ts';
import { actionConfigJson } from './presenters.ts';
import { serverAppId } from './server-routes.ts';

const tags = ['actions rules'];
const security = [{ secretKey: [] }];
const CodeParams = Type.Object({ actionCode: Type.String({ minLength: 1, maxLength: 64 }) });

/**
 * Rules per action code, with the app's secret key: the HTTP twin of `latchkey actions set|get|list`.
 * A change applies to the next track on every instance.
 */
export function registerConfigRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get(
    '/v1/action-configs',
    { schema: { tags, security, summary: "Every configured action code's rules" } },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      return (await listActionConfigs(runtime, { appId })).map(actionConfigJson);
    },
  );

  app.get<{ Params: { actionCode: string } }>(
    '/v1/action-configs/:actionCode',
    { schema: { tags, security, summary: "An action code's rules", params: CodeParams } },
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

  app.put<{ Params: { actionCode: string }; Body: unknown }>(
    '/v1/action-configs/:actionCode',
    {
      schema: {
        tags,
        security,
        summary: "Set an action code's default outcome and rules",
        params: CodeParams,
        body: Type.Object({}, { additionalProperties: true }),
      },
    },
    async (request) => {
      const appId = await serverAppId(runtime, request);
      const config = await setActionConfig(
        runtime,
        { appId, actionCode: request.params.actionCode, config: request.body },
        requestContext(request),
      );
      return actionConfigJson(config);
    },
  );
}
