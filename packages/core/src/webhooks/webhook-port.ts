/** Webhook endpoints and their outbox of deliveries: the records and the port. */
import type { WebhookEventType } from './webhook-events.ts';

/** One receiving URL of an app, with the events it wants and the secrets that sign them. */
export interface WebhookEndpointRecord {
  id: string;
  appId: string;
  url: string;
  description: string;
  enabled: boolean;
  /** The events delivered to this endpoint; never empty. */
  events: WebhookEventType[];
  /** `whsec_<base64>`: signs every delivery. */
  secret: string;
  /** The secret before the last rotation; also signs until `previousSecretExpiresAt`. */
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Where a delivery stands: waiting (first try or a retry), done, or given up after N attempts. */
export const WEBHOOK_DELIVERY_STATES = ['pending', 'delivered', 'dead'] as const;
export type WebhookDeliveryState = (typeof WEBHOOK_DELIVERY_STATES)[number];

/** One event for one endpoint: a row of the outbox. */
export interface WebhookDeliveryRecord {
  id: string;
  appId: string;
  endpointId: string;
  /** The event's id: the `webhook-id` header, the same on every attempt. */
  eventId: string;
  eventType: WebhookEventType;
  eventAt: number;
  /** The app's id for the user concerned, as it was when the event happened. */
  externalId: string | null;
  data: Record<string, unknown>;
  state: WebhookDeliveryState;
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
  createdAt: number;
}

/** One HTTP attempt of a delivery. */
export interface WebhookAttemptRecord {
  id: string;
  deliveryId: string;
  at: number;
  /** The receiver's status code; null when no answer came (timeout, refused connection). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** A delivery a worker holds the lease of, with what it needs to send it. */
export interface ClaimedWebhookDelivery {
  delivery: WebhookDeliveryRecord;
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
}

/** One event to put in the outbox, for every endpoint of the app subscribed to it. */
export interface WebhookOutboxEvent {
  /** The id of the audit event of the same fact: the `webhook-id`. */
  eventId: string;
  appId: string;
  type: WebhookEventType;
  at: number;
  userId: string | null;
  data: Record<string, unknown>;
}

/** What an endpoint update may change. */
export type WebhookEndpointPatch = Partial<
  Pick<
    WebhookEndpointRecord,
    | 'url'
    | 'description'
    | 'enabled'
    | 'events'
    | 'secret'
    | 'previousSecret'
    | 'previousSecretExpiresAt'
    | 'updatedAt'
  >
>;

/**
 * Endpoints, and the outbox. `enqueue` is one statement that writes a delivery for every enabled
 * endpoint of the app subscribed to the event; it runs right after the audit event of the same fact
 * and is committed with it (SQLite's grouped commit; PostgreSQL's held writes, one statement). `claimDue` takes a lease on due deliveries so
 * that two workers (two instances on one database) never send the same attempt at once.
 */
export interface WebhooksPort {
  insertEndpoint(endpoint: WebhookEndpointRecord): Promise<void>;
  listEndpoints(appId: string): Promise<WebhookEndpointRecord[]>;
  findEndpoint(appId: string, endpointId: string): Promise<WebhookEndpointRecord | null>;
  updateEndpoint(
    appId: string,
    endpointId: string,
    patch: WebhookEndpointPatch,
  ): Promise<WebhookEndpointRecord | null>;
  /** Deletes an endpoint with its deliveries and their attempts; false when there was none. */
  deleteEndpoint(appId: string, endpointId: string): Promise<boolean>;
  /**
   * Writes the event's deliveries, one for each enabled endpoint that takes its type, committed
   * before the store's next `flush()` resolves.
   */
  enqueue(event: WebhookOutboxEvent): Promise<void>;
  /**
   * Leases up to `limit` pending deliveries due at `now` whose lease (if any) has run out: sets the
   * lease to `owner` until `leaseUntil`, atomically, and returns them.
   */
  claimDue(options: {
    owner: string;
    now: number;
    leaseUntil: number;
    limit: number;
  }): Promise<ClaimedWebhookDelivery[]>;
  /**
   * Records an attempt and moves the delivery on (delivered, dead, or pending again at
   * `nextAttemptAt`), releasing the lease. Only the lease's owner moves the delivery: a worker whose
   * lease ran out and was taken over still records its attempt, and changes nothing else.
   */
  finishAttempt(options: {
    owner: string;
    attempt: WebhookAttemptRecord;
    state: WebhookDeliveryState;
    nextAttemptAt: number;
  }): Promise<void>;
  listDeliveries(options: {
    appId: string;
    endpointId?: string;
    state?: WebhookDeliveryState;
    limit: number;
  }): Promise<WebhookDeliveryRecord[]>;
  findDelivery(appId: string, deliveryId: string): Promise<WebhookDeliveryRecord | null>;
  listAttempts(deliveryId: string, limit: number): Promise<WebhookAttemptRecord[]>;
  /** Makes a delivery pending again, due at `now`, with a fresh count of attempts. */
  redeliver(appId: string, deliveryId: string, now: number): Promise<boolean>;
}
