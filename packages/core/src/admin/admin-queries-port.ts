/** The console's read-mostly queries: the search filters and the port. See `store-port.ts` for what every port promises. */
import type { ActionRecord } from '../actions/action-port.ts';
import type { ActionState } from '../actions/action-states.ts';
import type { AuditEventType } from '../audit/audit-events.ts';
import type { AuditEventRecord } from '../audit/audit-port.ts';
import type { Page, UserRecord } from '../users/user-port.ts';

/** Filters of the operators' audit search; every field narrows. */
export interface AuditSearch {
  appId?: string;
  userId?: string;
  types?: AuditEventType[];
  /** Inclusive lower bound of `at`. */
  since?: number;
  /** Exclusive upper bound of `at`. */
  until?: number;
  limit: number;
}

/** Filters of the operators' actions search, across an app's users. */
export interface ActionSearch {
  appId: string;
  userId?: string;
  actionCode?: string;
  state?: ActionState;
  since?: number;
  until?: number;
  limit: number;
}

/** Read-mostly queries the console needs beyond what the wire surfaces use. */
export interface AdminQueriesPort {
  /** Audit events newest first. */
  searchAudit(search: AuditSearch): Promise<AuditEventRecord[]>;
  /** Actions newest first. */
  searchActions(search: ActionSearch): Promise<ActionRecord[]>;
  /** Users of an app whose external id starts with `prefix`, newest first. */
  searchUsers(
    appId: string,
    options: { prefix: string; limit: number; offset: number },
  ): Promise<Page<UserRecord>>;
  /** Deletes an action code's configuration. Returns whether one was deleted. */
  deleteActionConfig(appId: string, actionCode: string): Promise<boolean>;
}
