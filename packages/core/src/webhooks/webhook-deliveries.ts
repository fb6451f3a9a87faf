/**
 * The outbox's deliveries: what operators see and redeliver, and the delivery run a worker repeats.
 * Delivery is at least once: an attempt whose answer was lost (a timeout, a crash after the
 * receiver got the request) is sent again, with the same `webhook-id`, which receivers dedupe on.
 */
import { createHmac } from 'node:crypto';
import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import { newId, type Runtime } from '../runtime.ts';
import { WEBHOOK_SECRET_PREFIX } from './webhook-endpoints.ts';
import { WEBHOOK_PAYLOAD_VERSION } from './webhook-events.ts';
import type {
  ClaimedWebhookDelivery,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryState,
} from './webhook-port.ts';

/** The most deliveries a listing returns. */
export const MAX_WEBHOOK_DELIVERY_LIST = 200;

/** An app's recent deliveries, newest first, optionally of one endpoint or in one state. */
export async function listWebhookDeliveries(
  runtime: Runtime,
  options: { appId: string; endpointId?: string; state?: WebhookDeliveryState; limit?: number },
): Promise<WebhookDeliveryRecord[]> {
  await getApp(runtime, options.appId);
  return runtime.store.webhooks.listDeliveries({
    appId: options.appId,
    ...(options.endpointId === undefined ? {} : { endpointId: options.endpointId }),
    ...(options.state === undefined ? {} : { state: options.state }),
    limit: Math.min(options.limit ?? 50, MAX_WEBHOOK_DELIVERY_LIST),
  });
}

/** One delivery of this app with its attempts (newest first), or `webhook_not_found`. */
export async function getWebhookDelivery(
  runtime: Runtime,
  appId: string,
  deliveryId: string,
): Promise<{ delivery: WebhookDeliveryRecord; attempts: WebhookAttemptRecord[] }> {
  await getApp(runtime, appId);
  const delivery = await runtime.store.webhooks.findDelivery(appId, deliveryId);
  if (!delivery) throw new LatchkeyError('webhook_not_found', 'no such webhook delivery');
  const attempts = await runtime.store.webhooks.listAttempts(delivery.id, 100);
  return { delivery, attempts };
}

/**
 * Sends a delivery again, whatever its state: it becomes pending, due now, with a fresh count of
 * attempts. It keeps its `webhook-id`, so a receiver that already processed it will skip it.
 */
export async function redeliverWebhook(
  runtime: Runtime,
  options: { appId: string; deliveryId: string },
  context?: RequestContext,
): Promise<void> {
  await getApp(runtime, options.appId);
  const done = await runtime.store.webhooks.redeliver(
    options.appId,
    options.deliveryId,
    runtime.now(),
  );
  if (!done) throw new LatchkeyError('webhook_not_found', 'no such webhook delivery');
  await recordEvent(runtime, context, {
    type: 'webhook.redelivered',
    appId: options.appId,
    data: { deliveryId: options.deliveryId },
  });
}

/**
 * The body of a delivery, the same bytes on every attempt:
 * `{"type", "timestamp", "version", "data": {"app_id", "external_id", …}}` (docs/webhooks.md).
 */
export function webhookPayload(delivery: WebhookDeliveryRecord): string {
  return JSON.stringify({
    type: delivery.eventType,
    timestamp: new Date(delivery.eventAt).toISOString(),
    version: WEBHOOK_PAYLOAD_VERSION,
    data: { app_id: delivery.appId, external_id: delivery.externalId, ...delivery.data },
  });
}

/**
 * The `webhook-signature` header: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for each
 * secret, separated by spaces (the Standard Webhooks signature scheme).
 */
export function signWebhook(options: {
  id: string;
  timestampSeconds: number;
  body: string;
  secrets: readonly string[];
}): string {
  const signed = `${options.id}.${options.timestampSeconds}.${options.body}`;
  return options.secrets
    .map((secret) => {
      const key = Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
      return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
    })
    .join(' ');
}

/** The secrets that sign at `now`: the current one, and the previous one during its overlap. */
export function signingSecrets(claimed: ClaimedWebhookDelivery, now: number): string[] {
  const previous =
    claimed.previousSecret !== null &&
    claimed.previousSecretExpiresAt !== null &&
    now < claimed.previousSecretExpiresAt
      ? [claimed.previousSecret]
      : [];
  return [claimed.secret, ...previous];
}

/** How retries are spaced and when they stop. */
export interface WebhookRetryPolicy {
  /** Attempts before a delivery is dead-lettered (the first one included). */
  maxAttempts: number;
  /** The wait after the first failure; each later one doubles it. */
  backoffMs: number;
  /** The longest wait between two attempts. */
  maxBackoffMs: number;
}

/**
 * The wait after the `attempts`-th failed attempt: exponential, capped, with ±25% jitter so that
 * the retries of many deliveries that failed together (a receiver's outage) do not arrive together.
 */
export function retryDelayMs(policy: WebhookRetryPolicy, attempts: number, random: number): number {
  const base = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + random * 0.5));
}

/** A request to an endpoint, as the worker hands it to the network. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** What came back: a status code, or an error when none did (timeout, refused, blocked). */
export interface WebhookResponse {
  statusCode: number | null;
  error: string | null;
}

/** Sends one webhook request over the network; never throws (an error is an answer). */
export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>;

/** Options of one delivery run. */
export interface WebhookRunOptions extends WebhookRetryPolicy {
  /** This worker's name in the leases it takes (unique per process). */
  owner: string;
  /** How long one attempt may take before it counts as failed. */
  timeoutMs: number;
  /** How many deliveries one run takes. */
  batchSize: number;
  send: WebhookSender;
  /** A number in [0, 1) for the jitter. */
  random?: () => number;
}

/** The longest error text kept with an attempt. */
const MAX_ERROR_LENGTH = 500;

/**
 * Claims the due deliveries, sends them, and records each attempt; resolves with how many were
 * claimed. The claim is flushed before anything is sent: so no delivery leaves for an event whose
 * commit could still fail, and a second instance sees the lease. The lease lasts twice the attempt's
 * timeout, so a worker that dies mid-attempt leaves a delivery that another (or this one,
 * restarted) takes once the lease has run out.
 */
export async function runWebhookDeliveries(
  runtime: Runtime,
  options: WebhookRunOptions,
): Promise<number> {
  const now = runtime.now();
  const claimed = await runtime.store.webhooks.claimDue({
    owner: options.owner,
    now,
    leaseUntil: now + 2 * options.timeoutMs,
    limit: options.batchSize,
  });
  if (claimed.length === 0) return 0;
  await runtime.store.flush();
  await Promise.all(claimed.map((c) => deliverOne(runtime, options, c)));
  await runtime.store.flush();
  return claimed.length;
}

async function deliverOne(
  runtime: Runtime,
  options: WebhookRunOptions,
  claimed: ClaimedWebhookDelivery,
): Promise<void> {
  const { delivery } = claimed;
  const started = runtime.now();
  const body = webhookPayload(delivery);
  const timestampSeconds = Math.floor(started / 1000);
  const response = await options.send({
    url: claimed.url,
    headers: {
      'content-type': 'application/json',
      'webhook-id': delivery.eventId,
      'webhook-timestamp': String(timestampSeconds),
      'webhook-signature': signWebhook({
        id: delivery.eventId,
        timestampSeconds,
        body,
        secrets: signingSecrets(claimed, started),
      }),
    },
    body,
    timeoutMs: options.timeoutMs,
  });
  const finished = runtime.now();
  const attempts = delivery.attempts + 1;
  const ok =
    response.statusCode !== null && response.statusCode >= 200 && response.statusCode < 300;
  const state: WebhookDeliveryState = ok
    ? 'delivered'
    : attempts >= options.maxAttempts
      ? 'dead'
      : 'pending';
  const error =
    response.error ?? (ok ? null : `the receiver answered ${response.statusCode ?? 'nothing'}`);
  await runtime.store.webhooks.finishAttempt({
    owner: options.owner,
    attempt: {
      id: newId(runtime),
      deliveryId: delivery.id,
      at: started,
      statusCode: response.statusCode,
      error: error?.slice(0, MAX_ERROR_LENGTH) ?? null,
      durationMs: Math.max(0, finished - started),
    },
    state,
    nextAttemptAt:
      state === 'pending'
        ? finished + retryDelayMs(options, attempts, (options.random ?? Math.random)())
        : finished,
  });
}
