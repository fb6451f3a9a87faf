import { newId, type Runtime } from '../runtime.ts';
import type { AuditEventType } from './audit-events.ts';

/** Who made a request, as the surface saw it; carried into audit events. */
export interface RequestContext {
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

/** The facts of one audit event, besides what the runtime and the request context supply. */
export interface AuditFacts {
  type: AuditEventType;
  appId: string | null;
  userId?: string | null;
  credentialId?: string | null;
  reason?: string | null;
  data?: Record<string, unknown> | null;
}

/**
 * Appends one audit event. The audit log is append-only; a failure to write it fails the operation,
 * because a security fact that is not recorded did not happen as far as an operator can tell.
 */
export async function recordEvent(
  runtime: Runtime,
  context: RequestContext | undefined,
  facts: AuditFacts,
): Promise<void> {
  await runtime.store.audit.append({
    id: newId(runtime),
    appId: facts.appId,
    type: facts.type,
    at: runtime.now(),
    userId: facts.userId ?? null,
    credentialId: facts.credentialId ?? null,
    reason: facts.reason ?? null,
    ip: context?.ip ?? null,
    userAgent: context?.userAgent ?? null,
    requestId: context?.requestId ?? null,
    data: facts.data ?? null,
  });
  for (const observe of runtime.observers) {
    try {
      observe(facts);
    } catch {
      // An observer (metrics) must never fail the operation it watches.
    }
  }
}
