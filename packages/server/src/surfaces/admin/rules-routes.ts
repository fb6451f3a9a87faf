import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  deleteActionConfig,
  dryRunRules,
  getActionConfig,
  LatchkeyError,
  listActionConfigs,
  type Runtime,
  setActionConfig,
} from '@latchkey/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { asOperator } from './operator-request.ts';
import { presentActionConfig } from './presenters.ts';
import {
  ActionCodeParams,
  ActionConfig,
  ActionConfigBody,
  ActionConfigs,
  AppParams,
  DryRunBody,
  DryRunResult,
  errors,
} from './schemas.ts';

const tags = ['admin: rules'];
const security = [{ operatorToken: [] }];

/** Action configurations (default outcome and rules) per action code, and the dry run. */
export function registerRulesRoutes(app: FastifyInstance, runtime: Runtime): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/apps/:app_id/action-configs',
    {
      schema: {
        tags,
        security,
        summary: 'Every configured action code of an app',
        params: AppParams,
        response: { 200: ActionConfigs, ...errors },
      },
    },
    async (request) => ({
      configs: (await listActionConfigs(runtime, { appId: request.params.app_id })).map(
        presentActionConfig,
      ),
    }),
  );

  r.get(
    '/apps/:app_id/action-configs/:action_code',
    {
      schema: {
        tags,
        security,
        summary: 'The rules of one action code',
        params: ActionCodeParams,
        response: { 200: ActionConfig, ...errors },
      },
    },
    async (request) => {
      const config = await getActionConfig(runtime, {
        appId: request.params.app_id,
        actionCode: request.params.action_code,
      });
      if (!config)
        throw new LatchkeyError('action_not_found', 'no configuration for that action code');
      return presentActionConfig(config);
    },
  );

  r.put(
    '/apps/:app_id/action-configs/:action_code',
    {
      schema: {
        tags,
        security,
        summary: 'Set the default outcome and rules of an action code (one version up)',
        params: ActionCodeParams,
        body: ActionConfigBody,
        response: { 200: ActionConfig, ...errors },
      },
    },
    async (request) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      const stored = await setActionConfig(
        acting,
        {
          appId: request.params.app_id,
          actionCode: request.params.action_code,
          config: request.body,
        },
        context,
      );
      return presentActionConfig(stored);
    },
  );

  r.delete(
    '/apps/:app_id/action-configs/:action_code',
    {
      schema: {
        tags,
        security,
        summary: 'Delete an action code’s rules (the action then allows)',
        params: ActionCodeParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      await deleteActionConfig(
        acting,
        { appId: request.params.app_id, actionCode: request.params.action_code },
        context,
      );
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/apps/:app_id/action-configs/:action_code/dry-run',
    {
      schema: {
        tags,
        security,
        summary:
          'Which rule fires and what outcome, for these attributes and this user? Writes nothing.',
        params: ActionCodeParams,
        body: DryRunBody,
        response: { 200: DryRunResult, ...errors },
      },
    },
    async (request) => {
      const { body } = request;
      const result = await dryRunRules(runtime, {
        appId: request.params.app_id,
        actionCode: request.params.action_code,
        ...(body.external_id ? { externalId: body.external_id } : {}),
        attributes: body.attributes ?? {},
        ...(body.config === undefined ? {} : { config: body.config }),
      });
      return {
        outcome: result.outcome,
        state: result.state,
        deciding_rule: result.decidingRule,
        fired: result.fired,
        failed: result.failed,
        rule_error_applied: result.ruleErrorApplied,
        context: result.context as unknown as Record<string, unknown>,
        user_known: result.userKnown,
        config_version: result.configVersion,
      };
    },
  );
}
