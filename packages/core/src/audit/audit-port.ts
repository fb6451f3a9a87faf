/** The audit log: the record and port. See `store-port.ts` for what every port promises. */
import type { WebhookOutboxEvent } from '../webhooks/webhook-port.ts';
import type { AuditEventType } from './audit-events.ts';

export interface AuditEventRecord {
  id: string;
  appId: string | null;
  type: AuditEventType;
  at: number;
  userId: string | null;
  /** The device id (credential row id), where one is concerned. */
  credentialId: string | null;
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  data: Record<string, unknown> | null;
}

/**
 * The rows that record one fact: its audit event, and the outbox event that announces it to the
 * app's webhook endpoints (null when it announces none). A port that changes several things at
 * once takes these, to write them in the same database transaction as the change.
 */
export interface EventRows {
  audit: AuditEventRecord;
  webhook: WebhookOutboxEvent | null;
}

export interface AuditPort {
  append(event: AuditEventRecord): Promise<void>;
  list(options: {
    appId?: string;
    userId?: string;
    type?: AuditEventType;
    limit: number;
  }): Promise<AuditEventRecord[]>;
}
