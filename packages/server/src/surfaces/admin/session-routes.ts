import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ACTION_STATES,
  AUDIT_EVENT_TYPES,
  DEFAULT_POLICY,
  endOperatorSession,
  RULE_OUTCOMES,
  RULE_VARIABLES,
  type Runtime,
  startOperatorSession,
} from '@latchkey/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requestContext } from '../../http/request-context.ts';
import { bearer } from './operator-request.ts';
import { presentOperator } from './presenters.ts';
import {
  AdminError,
  errors,
  Operator,
  SessionBody,
  SessionCreated,
  Vocabulary,
} from './schemas.ts';

const tags = ['admin'];
const security = [{ operatorToken: [] }];

/** Signing in and out of the console, who am I, and the vocabularies the console builds forms from. */
export function registerSessionRoutes(
  app: FastifyInstance,
  runtime: Runtime,
  envToken: string | undefined,
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/session',
    {
      config: { public: true },
      schema: {
        tags,
        summary:
          'Exchange an operator token for a console session (30 minutes idle, 12 hours at most)',
        body: SessionBody,
        response: { 201: SessionCreated, 400: AdminError, 401: AdminError },
      },
    },
    async (request, reply) => {
      const started = await startOperatorSession(
        runtime,
        { credential: request.body.token, envToken },
        requestContext(request),
      );
      return reply.code(201).send({
        session: started.session,
        expires_at: new Date(started.expiresAt).toISOString(),
        operator: presentOperator(started.actor),
      });
    },
  );

  r.delete(
    '/session',
    {
      schema: {
        tags,
        security,
        summary: 'End the console session presented',
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const session = bearer(request);
      if (session && request.operator) {
        await endOperatorSession(
          runtime,
          { session, actor: request.operator },
          requestContext(request),
        );
      }
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/me',
    {
      schema: {
        tags,
        security,
        summary: 'The operator behind the credential presented',
        response: { 200: Type.Object({ operator: Operator }), ...errors },
      },
    },
    async (request) => ({
      operator: presentOperator(request.operator as NonNullable<typeof request.operator>),
    }),
  );

  r.get(
    '/vocabulary',
    {
      schema: {
        tags,
        security,
        summary:
          'Closed vocabularies: audit event types, rule outcomes, action states, rule variables',
        response: { 200: Vocabulary, ...errors },
      },
    },
    async () => ({
      audit_event_types: [...AUDIT_EVENT_TYPES],
      rule_outcomes: [...RULE_OUTCOMES],
      action_states: [...ACTION_STATES],
      rule_variables: { ...RULE_VARIABLES },
      policy_defaults: DEFAULT_POLICY as unknown as Record<string, unknown>,
    }),
  );
}
