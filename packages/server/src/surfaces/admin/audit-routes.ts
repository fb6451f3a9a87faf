import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AUDIT_EVENT_TYPES,
  type AuditEventType,
  LatchkeyError,
  type Runtime,
  recordSubjects,
  searchActions,
  searchAuditLog,
} from '@latchkey/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseTime } from './operator-request.ts';
import { presentAction, presentEvent } from './presenters.ts';
import { Actions, ActionsQuery, AppParams, AuditEvents, AuditQuery, errors } from './schemas.ts';

const tags = ['admin: actions and audit'];
const security = [{ operatorToken: [] }];

function parseTypes(value: string | undefined): AuditEventType[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const types = value.split(',').map((t) => t.trim());
  for (const type of types) {
    if (!(AUDIT_EVENT_TYPES as readonly string[]).includes(type)) {
      throw new LatchkeyError(
        'invalid_request',
        `type: unknown audit event type ${JSON.stringify(type)}`,
      );
    }
  }
  return types as AuditEventType[];
}

type AuditQueryValue = {
  app_id?: string;
  user_id?: string;
  external_id?: string;
  type?: string;
  since?: string;
  until?: string;
  limit?: number;
  user?: string;
};

function auditSearch(runtime: Runtime, query: AuditQueryValue) {
  const since = parseTime(query.since, 'since');
  const until = parseTime(query.until, 'until');
  const types = parseTypes(query.type);
  return searchAuditLog(runtime, {
    ...(query.app_id ? { appId: query.app_id } : {}),
    ...(query.user_id ? { userId: query.user_id } : {}),
    ...(query.external_id ? { externalId: query.external_id } : {}),
    ...(query.user?.trim() ? { userQuery: query.user.trim() } : {}),
    ...(types ? { types } : {}),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(query.limit ? { limit: query.limit } : {}),
  });
}

/** Tracked actions and the audit log, with filters; the log also as JSON lines. */
export function registerAuditRoutes(app: FastifyInstance, runtime: Runtime): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/apps/:app_id/actions',
    {
      schema: {
        tags,
        security,
        summary: 'Tracked actions, newest first, by user, action code, state and time',
        params: AppParams,
        querystring: ActionsQuery,
        response: { 200: Actions, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const since = parseTime(q.since, 'since');
      const until = parseTime(q.until, 'until');
      const actions = await searchActions(runtime, {
        appId: request.params.app_id,
        ...(q.external_id ? { externalId: q.external_id } : {}),
        ...(q.action_code ? { actionCode: q.action_code } : {}),
        ...(q.state ? { state: q.state } : {}),
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
        ...(q.limit ? { limit: q.limit } : {}),
      });
      const subjects = await recordSubjects(runtime, actions);
      return { actions: actions.map((a) => presentAction(a, subjects)) };
    },
  );

  r.get(
    '/audit',
    {
      schema: {
        tags,
        security,
        summary: 'The audit log, newest first, by app, user, event types and time',
        querystring: AuditQuery,
        response: { 200: AuditEvents, ...errors },
      },
    },
    async (request) => {
      const events = await auditSearch(runtime, request.query);
      const subjects = await recordSubjects(runtime, events);
      return { events: events.map((e) => presentEvent(e, subjects)) };
    },
  );

  r.get(
    '/audit/export',
    {
      schema: {
        tags,
        security,
        summary: 'The same search as JSON lines (application/x-ndjson), one event a line',
        querystring: AuditQuery,
        response: {
          200: Type.String({ description: 'One JSON object per line' }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const events = await auditSearch(runtime, request.query);
      const subjects = await recordSubjects(runtime, events);
      const body = events.map((e) => `${JSON.stringify(presentEvent(e, subjects))}\n`).join('');
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', 'attachment; filename="latchkey-audit.jsonl"')
        .send(body);
    },
  );
}
