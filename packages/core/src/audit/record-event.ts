import { newId, type Runtime } from '../runtime.ts';
import { webhookEventFor } from '../webhooks/webhook-events.ts';
import type { AuditFacts } from './audit-events.ts';

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
 * Appends one audit event. The audit log is append-only (old events leave only by retention); a
 * failure to write it fails the operation, because a security fact that is not recorded did not
 * happen as far as an operator can tell.
 */
export async function recordEvent(
  runtime: Runtime,
  context: RequestContext | undefined,
  facts: AuditFacts,
): Promise<void> {
  const id = newId(runtime);
  const at = runtime.now();
  await runtime.store.audit.append({
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
  });
  // The webhook outbox is written right after the audit event of the same fact, in the same
  // commit where the store groups them, and named by it (the `webhook-id`).
  const event = facts.appId === null ? null : webhookEventFor(facts);
  if (event !== null && facts.appId !== null) {
    await runtime.store.webhooks.enqueue({
      eventId: id,
      appId: facts.appId,
      type: event.type,
      at,
      userId: facts.userId ?? null,
      data: event.data,
    });
  }
  for (const observe of runtime.observers) {
    try {
      observe(facts);
    } catch {
      // An observer (metrics) must never fail the operation it watches.
    }
  }
}
