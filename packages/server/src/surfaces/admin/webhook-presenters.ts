/** Webhook endpoints, deliveries and attempts as the admin API and the CLI show them. */
import type {
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
} from '@latchkey/core';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** An endpoint as the admin API shows it: never its secrets. */
export function presentEndpoint(e: WebhookEndpointRecord) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    enabled: e.enabled,
    events: e.events,
    previous_secret_expires_at: iso(e.previousSecretExpiresAt),
    created_at: iso(e.createdAt) as string,
    updated_at: iso(e.updatedAt) as string,
  };
}

/** A delivery as the admin API shows it. */
export function presentDelivery(d: WebhookDeliveryRecord) {
  return {
    id: d.id,
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    event_type: d.eventType,
    event_at: iso(d.eventAt) as string,
    state: d.state,
    attempts: d.attempts,
    next_attempt_at: d.state === 'pending' ? iso(d.nextAttemptAt) : null,
    last_status: d.lastStatus,
    last_error: d.lastError,
    delivered_at: iso(d.deliveredAt),
    created_at: iso(d.createdAt) as string,
  };
}

/** An attempt as the admin API shows it. */
export function presentAttempt(a: WebhookAttemptRecord) {
  return {
    at: iso(a.at) as string,
    status_code: a.statusCode,
    error: a.error,
    duration_ms: a.durationMs,
  };
}
