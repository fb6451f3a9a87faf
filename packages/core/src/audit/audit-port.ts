/** The audit log: the record and port. See `store-port.ts` for what every port promises. */
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

export interface AuditPort {
  append(event: AuditEventRecord): Promise<void>;
  list(options: {
    appId?: string;
    userId?: string;
    type?: AuditEventType;
    limit: number;
  }): Promise<AuditEventRecord[]>;
}
