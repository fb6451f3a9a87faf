import { newId, type Runtime } from '../runtime.ts';
import { webhookEventFor } from '../webhooks/webhook-events.ts';
import type { AuditFacts } from './audit-events.ts';
import type { AuditEventRecord, AuditOfChange, EventRows } from './audit-port.ts';

export type { AuditFacts } from './audit-events.ts';

/** Who made a request, as the surface saw it; carried into audit events. */
export interface RequestContext {
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

/**
 * The longest request facts an audit row keeps. Whatever a client sends is cut to these, so that a
 * flood of refused requests with huge headers grows the audit log by a bounded amount per row.
 */
export const AUDIT_CONTEXT_LIMITS = {
  ip: 64,
  userAgent: 512,
  requestId: 128,
} as const;

function bounded(value: string | null | undefined, max: number): string | null {
  return typeof value === 'string' ? value.slice(0, max) : null;
}

/**
 * The rows of one audit event and of the webhook outbox event that announces it, stamped with a
 * fresh id and the runtime's time, for a store operation that writes them itself (in the same
 * database transaction as the change they record). Whoever writes them then calls
 * {@link observeEvent}.
 *
 * @example
 * const rows = eventRows(runtime, context, { type: 'credential.revoked', appId, userId, credentialId });
 */
export function eventRows(
  runtime: Runtime,
  context: RequestContext | undefined,
  facts: AuditFacts,
): EventRows {
  const id = newId(runtime);
  const at = runtime.now();
  const audit: AuditEventRecord = {
    id,
    appId: facts.appId,
    type: facts.type,
    at,
    userId: facts.userId ?? null,
    credentialId: facts.credentialId ?? null,
    reason: facts.reason ?? null,
    ip: bounded(context?.ip, AUDIT_CONTEXT_LIMITS.ip),
    userAgent: bounded(context?.userAgent, AUDIT_CONTEXT_LIMITS.userAgent),
    requestId: bounded(context?.requestId, AUDIT_CONTEXT_LIMITS.requestId),
    data: facts.data ?? null,
  };
  // The outbox event is named by the audit event of the same fact (the `webhook-id`).
  const event = facts.appId === null ? null : webhookEventFor(facts);
  const webhook =
    event === null || facts.appId === null
      ? null
      : {
          eventId: id,
          appId: facts.appId,
          type: event.type,
          at,
          userId: facts.userId ?? null,
          data: event.data,
        };
  return { audit, webhook };
}

/**
 * The audit event of a change that a store operation makes and records in one statement (see
 * {@link AuditOfChange}): everything but the user and credential, which the store fills in from
 * the row it changed. Whoever gets the change back then calls {@link observeEvent}.
 *
 * @example
 * const audit = auditOfChange(runtime, context, { type: 'nonce.redeemed', appId });
 */
export function auditOfChange(
  runtime: Runtime,
  context: RequestContext | undefined,
  facts: Omit<AuditFacts, 'userId' | 'credentialId'>,
): AuditOfChange {
  const { audit } = eventRows(runtime, context, facts);
  // Written out rather than copied with a rest pattern: on a sign-in's hot path, V8's copies of
  // objects with many properties were promoted to the old generation and grew the heap by tens of
  // megabytes between full collections (see `mergeArgs` in the store).
  return {
    id: audit.id,
    appId: audit.appId,
    type: audit.type,
    at: audit.at,
    reason: audit.reason,
    ip: audit.ip,
    userAgent: audit.userAgent,
    requestId: audit.requestId,
    data: audit.data,
  };
}

/** Tells the runtime's observers (metrics) of an event once it is written. */
export function observeEvent(runtime: Runtime, facts: AuditFacts): void {
  for (const observe of runtime.observers) {
    try {
      observe(facts);
    } catch {
      // An observer (metrics) must never fail the operation it watches.
    }
  }
}

/**
 * Appends one audit event. The audit log is append-only (old events leave only by retention); a
 * failure to write it fails the operation, because a security fact that is not recorded did not
 * happen as far as an operator can tell.
 */
export async function recordEvent(
  runtime: Runtime,
  context: RequestContext | undefined,
  facts: AuditFacts,
): Promise<void> {
  const rows = eventRows(runtime, context, facts);
  await runtime.store.audit.append(rows.audit);
  // The webhook outbox is written right after the audit event of the same fact, in the same
  // commit where the store groups them.
  if (rows.webhook !== null) await runtime.store.webhooks.enqueue(rows.webhook);
  observeEvent(runtime, facts);
}
