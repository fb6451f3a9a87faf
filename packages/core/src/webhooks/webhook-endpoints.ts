/** An app's webhook endpoints: create, list, change, remove, and rotate their signing secret. */

import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import { newId, type Runtime } from '../runtime.ts';
import {
  isWebhookEventType,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from './webhook-events.ts';
import type { WebhookEndpointRecord } from './webhook-port.ts';
import { checkWebhookUrl, type WebhookNetworkPolicy } from './webhook-url.ts';

/** The prefix of a signing secret, as the Standard Webhooks specification names it. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** Random bytes in a signing secret (the specification asks for 24 to 64). */
const SECRET_BYTES = 32;

/** How long the old secret still signs after a rotation, unless told otherwise: one day. */
export const DEFAULT_ROTATION_OVERLAP_MS = 86_400_000;

/** The longest overlap a rotation accepts: thirty days. */
export const MAX_ROTATION_OVERLAP_MS = 30 * 86_400_000;

/** The longest endpoint description. */
export const MAX_WEBHOOK_DESCRIPTION_LENGTH = 500;

/** A fresh `whsec_<base64>` secret. */
function newWebhookSecret(runtime: Runtime): string {
  return `${WEBHOOK_SECRET_PREFIX}${Buffer.from(runtime.randomBytes(SECRET_BYTES)).toString('base64')}`;
}

/** The events an endpoint subscribes to: all when none are named, no unknown or repeated names. */
function checkEvents(events: readonly string[] | undefined): WebhookEventType[] {
  if (events === undefined || events.length === 0) return [...WEBHOOK_EVENT_TYPES];
  const unknown = events.filter((e) => !isWebhookEventType(e));
  if (unknown.length) {
    throw new LatchkeyError(
      'invalid_request',
      `unknown webhook event: ${unknown.join(', ')} (one of ${WEBHOOK_EVENT_TYPES.join(', ')})`,
    );
  }
  return [...new Set(events as WebhookEventType[])];
}

function checkDescription(description: string | undefined): string {
  const value = description ?? '';
  if (value.length > MAX_WEBHOOK_DESCRIPTION_LENGTH) {
    throw new LatchkeyError('invalid_request', 'the description is too long');
  }
  return value;
}

/** An endpoint of this app, or `webhook_not_found`. */
export async function getWebhookEndpoint(
  runtime: Runtime,
  appId: string,
  endpointId: string,
): Promise<WebhookEndpointRecord> {
  await getApp(runtime, appId);
  const endpoint = await runtime.store.webhooks.findEndpoint(appId, endpointId);
  if (!endpoint) throw new LatchkeyError('webhook_not_found', 'no such webhook endpoint');
  return endpoint;
}

/**
 * Adds an endpoint. The returned `secret` is shown only now (and at each rotation): a receiver
 * needs it to check signatures.
 *
 * @example
 * const { endpoint, secret } = await createWebhookEndpoint(runtime, { appId, url, events: ['passkey.created'] }, network);
 */
export async function createWebhookEndpoint(
  runtime: Runtime,
  options: {
    appId: string;
    url: string;
    description?: string;
    events?: readonly string[];
    enabled?: boolean;
  },
  network: WebhookNetworkPolicy,
  context?: RequestContext,
): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
  await getApp(runtime, options.appId);
  const url = await checkWebhookUrl(options.url, network);
  const now = runtime.now();
  const endpoint: WebhookEndpointRecord = {
    id: newId(runtime),
    appId: options.appId,
    url,
    description: checkDescription(options.description),
    enabled: options.enabled ?? true,
    events: checkEvents(options.events),
    secret: newWebhookSecret(runtime),
    previousSecret: null,
    previousSecretExpiresAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await runtime.store.webhooks.insertEndpoint(endpoint);
  await recordEvent(runtime, context, {
    type: 'webhook_endpoint.created',
    appId: options.appId,
    data: { endpointId: endpoint.id, url, events: endpoint.events },
  });
  return { endpoint, secret: endpoint.secret };
}

/** An app's endpoints, oldest first. */
export async function listWebhookEndpoints(
  runtime: Runtime,
  appId: string,
): Promise<WebhookEndpointRecord[]> {
  await getApp(runtime, appId);
  return runtime.store.webhooks.listEndpoints(appId);
}

/** Changes an endpoint's URL, description, events or whether it is enabled. */
export async function updateWebhookEndpoint(
  runtime: Runtime,
  options: {
    appId: string;
    endpointId: string;
    url?: string;
    description?: string;
    events?: readonly string[];
    enabled?: boolean;
  },
  network: WebhookNetworkPolicy,
  context?: RequestContext,
): Promise<WebhookEndpointRecord> {
  await getWebhookEndpoint(runtime, options.appId, options.endpointId);
  const updated = await runtime.store.webhooks.updateEndpoint(options.appId, options.endpointId, {
    ...(options.url === undefined ? {} : { url: await checkWebhookUrl(options.url, network) }),
    ...(options.description === undefined
      ? {}
      : { description: checkDescription(options.description) }),
    ...(options.events === undefined ? {} : { events: checkEvents(options.events) }),
    ...(options.enabled === undefined ? {} : { enabled: options.enabled }),
    updatedAt: runtime.now(),
  });
  if (!updated) throw new LatchkeyError('webhook_not_found', 'no such webhook endpoint');
  await recordEvent(runtime, context, {
    type: 'webhook_endpoint.updated',
    appId: options.appId,
    data: { endpointId: updated.id, url: updated.url, enabled: updated.enabled },
  });
  return updated;
}

/** Removes an endpoint, with its deliveries (pending ones are not sent). */
export async function removeWebhookEndpoint(
  runtime: Runtime,
  options: { appId: string; endpointId: string },
  context?: RequestContext,
): Promise<void> {
  await getApp(runtime, options.appId);
  const removed = await runtime.store.webhooks.deleteEndpoint(options.appId, options.endpointId);
  if (!removed) throw new LatchkeyError('webhook_not_found', 'no such webhook endpoint');
  await recordEvent(runtime, context, {
    type: 'webhook_endpoint.removed',
    appId: options.appId,
    data: { endpointId: options.endpointId },
  });
}

/**
 * Gives an endpoint a new secret. The old one keeps signing beside it (a second `v1,` signature in
 * the header) for `overlapMs`, so that a receiver can switch to the new secret without refusing
 * deliveries meanwhile. The new secret is shown only now.
 */
export async function rotateWebhookSecret(
  runtime: Runtime,
  options: { appId: string; endpointId: string; overlapMs?: number },
  context?: RequestContext,
): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
  const overlapMs = options.overlapMs ?? DEFAULT_ROTATION_OVERLAP_MS;
  if (!Number.isInteger(overlapMs) || overlapMs < 0 || overlapMs > MAX_ROTATION_OVERLAP_MS) {
    throw new LatchkeyError('invalid_request', 'the overlap must be between 0 and 30 days');
  }
  const current = await getWebhookEndpoint(runtime, options.appId, options.endpointId);
  const now = runtime.now();
  const secret = newWebhookSecret(runtime);
  const updated = await runtime.store.webhooks.updateEndpoint(options.appId, current.id, {
    secret,
    previousSecret: overlapMs > 0 ? current.secret : null,
    previousSecretExpiresAt: overlapMs > 0 ? now + overlapMs : null,
    updatedAt: now,
  });
  if (!updated) throw new LatchkeyError('webhook_not_found', 'no such webhook endpoint');
  await recordEvent(runtime, context, {
    type: 'webhook_secret.rotated',
    appId: options.appId,
    data: { endpointId: current.id, overlapMs },
  });
  return { endpoint: updated, secret };
}
