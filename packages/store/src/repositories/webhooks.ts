/** `webhook_endpoints`, `webhook_deliveries` (the outbox) and `webhook_attempts`, behind `WebhooksPort`. */
import type {
  ClaimedWebhookDelivery,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookEventType,
  WebhooksPort,
} from '@latchkey/core';
import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { ChangeSignal } from '../caching/change-signal.ts';
import { configCache } from '../caching/config-cache.ts';
import type {
  Database,
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
} from '../schema.ts';
import { fromFlag, fromJson, toFlag, toJson, touched } from './codec.ts';
import { prepare, prepareHeldWrite } from './prepared.ts';

/** Events as the `events` column holds them: between commas, so one can be matched with LIKE. */
function toEventsColumn(events: readonly WebhookEventType[]): string {
  return `,${events.join(',')},`;
}

function fromEventsColumn(column: string): WebhookEventType[] {
  return column.split(',').filter(Boolean) as WebhookEventType[];
}

const nullableNumber = (value: number | string | null): number | null =>
  value === null ? null : Number(value);

function toEndpointRecord(row: Selectable<WebhookEndpointsTable>): WebhookEndpointRecord {
  return {
    id: row.id,
    appId: row.app_id,
    url: row.url,
    description: row.description,
    enabled: fromFlag(row.enabled),
    events: fromEventsColumn(row.events),
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: nullableNumber(row.previous_secret_expires_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toDeliveryRecord(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: row.id,
    appId: row.app_id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    eventAt: Number(row.event_at),
    externalId: row.external_id,
    data: fromJson<Record<string, unknown>>(row.data),
    state: row.state,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastStatus: nullableNumber(row.last_status),
    lastError: row.last_error,
    deliveredAt: nullableNumber(row.delivered_at),
    createdAt: Number(row.created_at),
  };
}

function toAttemptRecord(row: Selectable<WebhookAttemptsTable>): WebhookAttemptRecord {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    at: Number(row.at),
    statusCode: nullableNumber(row.status_code),
    error: row.error,
    durationMs: Number(row.duration_ms),
  };
}

/**
 * The webhooks repository. `dialect` picks the claim statement: PostgreSQL locks the rows it
 * takes and skips those another instance is taking (`FOR UPDATE SKIP LOCKED`); SQLite runs the
 * same UPDATE under its single write lock, which makes it atomic by itself.
 */
export function createWebhooksRepository(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  changes: ChangeSignal,
): WebhooksPort {
  // The event types an app's enabled endpoints take, so that an event nobody takes (most apps
  // have no endpoint) costs no statement. Forgotten at once by a change made here, and by the
  // change signal for one made elsewhere.
  const subscriptions = configCache<readonly string[]>({ changes });
  const subscribedTypes = prepare(db, (a: { appId: string }) =>
    db
      .selectFrom('webhook_endpoints')
      .select('events')
      .where('app_id', '=', a.appId)
      .where('enabled', '=', 1),
  );
  // One statement: a delivery for every enabled endpoint of the app subscribed to the event, none
  // when there is none, and the user's external id as it is now. The delivery id is the event's
  // and the endpoint's, so an event reaches an endpoint once. Held with the audit event it comes
  // from, where the store holds writes, so that both are committed together.
  const enqueue = prepareHeldWrite(
    db,
    (a: {
      deliveryPrefix: string;
      eventId: string;
      type: string;
      at: number;
      userId: string | null;
      data: string;
      appId: string;
      pattern: string;
    }) => sql`
        INSERT INTO webhook_deliveries (id, app_id, endpoint_id, event_id, event_type, event_at,
          external_id, data, state, attempts, next_attempt_at, created_at)
        SELECT CAST(${a.deliveryPrefix} AS text) || e.id, e.app_id, e.id,
          CAST(${a.eventId} AS text), CAST(${a.type} AS text),
          CAST(${a.at} AS bigint),
          (SELECT u.external_id FROM users u WHERE u.app_id = e.app_id
            AND u.id = CAST(${a.userId} AS text)),
          CAST(${a.data} AS text), 'pending', 0, CAST(${a.at} AS bigint),
          CAST(${a.at} AS bigint)
        FROM webhook_endpoints e
        WHERE e.app_id = ${a.appId} AND e.enabled = 1
          AND e.events LIKE ${a.pattern}
      `,
  );
  const takes = async (appId: string, type: string): Promise<boolean> => {
    const types = await subscriptions.get(appId, async () => {
      const { rows } = await subscribedTypes({ appId });
      return [...new Set(rows.flatMap((row) => fromEventsColumn(row.events)))];
    });
    return types.includes(type);
  };
  const findEndpoint = async (appId: string, endpointId: string) => {
    const row = await db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('app_id', '=', appId)
      .where('id', '=', endpointId)
      .executeTakeFirst();
    return row ? toEndpointRecord(row) : null;
  };
  const lock = dialect === 'postgres' ? sql` FOR UPDATE SKIP LOCKED` : sql``;

  return {
    async insertEndpoint(e) {
      subscriptions.forget(e.appId);
      await db
        .insertInto('webhook_endpoints')
        .values({
          id: e.id,
          app_id: e.appId,
          url: e.url,
          description: e.description,
          enabled: toFlag(e.enabled),
          events: toEventsColumn(e.events),
          secret: e.secret,
          previous_secret: e.previousSecret,
          previous_secret_expires_at: e.previousSecretExpiresAt,
          created_at: e.createdAt,
          updated_at: e.updatedAt,
        })
        .execute();
      // Again after the write: a read that raced it may have cached the endpoints as they were.
      subscriptions.forget(e.appId);
    },

    async listEndpoints(appId) {
      const rows = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toEndpointRecord);
    },

    findEndpoint,

    async updateEndpoint(appId, endpointId, patch) {
      subscriptions.forget(appId);
      const set: Updateable<WebhookEndpointsTable> = {};
      if (patch.url !== undefined) set.url = patch.url;
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.enabled !== undefined) set.enabled = toFlag(patch.enabled);
      if (patch.events !== undefined) set.events = toEventsColumn(patch.events);
      if (patch.secret !== undefined) set.secret = patch.secret;
      if (patch.previousSecret !== undefined) set.previous_secret = patch.previousSecret;
      if (patch.previousSecretExpiresAt !== undefined)
        set.previous_secret_expires_at = patch.previousSecretExpiresAt;
      if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
      const result = await db
        .updateTable('webhook_endpoints')
        .set(set)
        .where('app_id', '=', appId)
        .where('id', '=', endpointId)
        .executeTakeFirst();
      // Again after the write: a read that raced it may have cached the endpoints as they were.
      subscriptions.forget(appId);
      return touched(result.numUpdatedRows) ? findEndpoint(appId, endpointId) : null;
    },

    async deleteEndpoint(appId, endpointId) {
      subscriptions.forget(appId);
      // Children first in one transaction, so that nothing is left half removed.
      return db.transaction().execute(async (trx) => {
        const deliveryIds = trx
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('app_id', '=', appId)
          .where('endpoint_id', '=', endpointId);
        await trx.deleteFrom('webhook_attempts').where('delivery_id', 'in', deliveryIds).execute();
        await trx
          .deleteFrom('webhook_deliveries')
          .where('app_id', '=', appId)
          .where('endpoint_id', '=', endpointId)
          .execute();
        const result = await trx
          .deleteFrom('webhook_endpoints')
          .where('app_id', '=', appId)
          .where('id', '=', endpointId)
          .executeTakeFirst();
        return touched(result.numDeletedRows);
      });
    },

    async enqueue(event) {
      if (!(await takes(event.appId, event.type))) return;
      await enqueue({
        deliveryPrefix: `${event.eventId}.`,
        eventId: event.eventId,
        type: event.type,
        at: event.at,
        userId: event.userId,
        data: toJson(event.data),
        appId: event.appId,
        pattern: `%,${event.type},%`,
      });
    },

    async claimDue({ owner, now, leaseUntil, limit }) {
      const { rows } = await sql<Selectable<WebhookDeliveriesTable>>`
        UPDATE webhook_deliveries SET lease_owner = ${owner}, lease_until = ${leaseUntil}
        WHERE id IN (
          SELECT id FROM webhook_deliveries
          WHERE state = 'pending' AND next_attempt_at <= ${now}
            AND (lease_until IS NULL OR lease_until <= ${now})
          ORDER BY next_attempt_at
          LIMIT ${limit}${lock}
        )
        RETURNING *
      `.execute(db);
      if (rows.length === 0) return [];
      const endpoints = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', 'in', [...new Set(rows.map((r) => r.endpoint_id))])
        .execute();
      const byId = new Map(endpoints.map((e) => [e.id, e]));
      const claimed: ClaimedWebhookDelivery[] = [];
      for (const row of rows) {
        const endpoint = byId.get(row.endpoint_id);
        if (!endpoint) continue;
        claimed.push({
          delivery: toDeliveryRecord(row),
          url: endpoint.url,
          secret: endpoint.secret,
          previousSecret: endpoint.previous_secret,
          previousSecretExpiresAt: nullableNumber(endpoint.previous_secret_expires_at),
        });
      }
      return claimed;
    },

    async finishAttempt({ owner, attempt, state, nextAttemptAt }) {
      await db
        .insertInto('webhook_attempts')
        .values({
          id: attempt.id,
          delivery_id: attempt.deliveryId,
          at: attempt.at,
          status_code: attempt.statusCode,
          error: attempt.error,
          duration_ms: attempt.durationMs,
        })
        .execute();
      await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          state,
          attempts: eb('attempts', '+', 1),
          next_attempt_at: nextAttemptAt,
          last_status: attempt.statusCode,
          last_error: attempt.error,
          ...(state === 'delivered' ? { delivered_at: attempt.at + attempt.durationMs } : {}),
          lease_owner: null,
          lease_until: null,
        }))
        .where('id', '=', attempt.deliveryId)
        .where('lease_owner', '=', owner)
        .execute();
    },

    async listDeliveries({ appId, endpointId, state, limit }) {
      let query = db.selectFrom('webhook_deliveries').selectAll().where('app_id', '=', appId);
      if (endpointId !== undefined) query = query.where('endpoint_id', '=', endpointId);
      if (state !== undefined) query = query.where('state', '=', state);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toDeliveryRecord);
    },

    async findDelivery(appId, deliveryId) {
      const row = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('app_id', '=', appId)
        .where('id', '=', deliveryId)
        .executeTakeFirst();
      return row ? toDeliveryRecord(row) : null;
    },

    async listAttempts(deliveryId, limit) {
      const rows = await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where('delivery_id', '=', deliveryId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toAttemptRecord);
    },

    async redeliver(appId, deliveryId, now) {
      // The lease stays: an attempt in flight finishes first, and the next claim sends it again.
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ state: 'pending', attempts: 0, next_attempt_at: now })
        .where('app_id', '=', appId)
        .where('id', '=', deliveryId)
        .executeTakeFirst();
      return touched(result.numUpdatedRows);
    },
  };
}
