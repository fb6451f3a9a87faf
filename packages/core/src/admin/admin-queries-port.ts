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
  /**
   * Only events of the app's users matching this text as {@link UserQuery} says. Needs `appId`:
   * the users are looked for in that app only.
   */
  userQuery?: string;
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

/**
 * How a user search text matches a user: the external id starts with it (exactly, case-sensitive),
 * or the display name contains it ignoring the case of ASCII letters. LIKE wildcards in the text
 * match themselves.
 */
export type UserQuery = string;

/** What the audit timeline names a passkey by: its friendly name and authenticator model. */
export interface CredentialLabel {
  id: string;
  userId: string;
  aaguid: string;
  friendlyName: string;
}

/** Read-mostly queries the console needs beyond what the wire surfaces use. */
export interface AdminQueriesPort {
  /** Audit events newest first. */
  searchAudit(search: AuditSearch): Promise<AuditEventRecord[]>;
  /** Actions newest first. */
  searchActions(search: ActionSearch): Promise<ActionRecord[]>;
  /**
   * Users of an app whose external id starts with `prefix` and, with `query`, who match it as
   * {@link UserQuery} says; newest first.
   */
  searchUsers(
    appId: string,
    options: { prefix: string; query?: UserQuery; limit: number; offset: number },
  ): Promise<Page<UserRecord>>;
  /** The users of an app among these ids (the others are left out), in no set order. */
  usersByIds(appId: string, ids: readonly string[]): Promise<UserRecord[]>;
  /** The passkeys of an app among these ids (revoked ones are gone), in no set order. */
  credentialLabels(appId: string, ids: readonly string[]): Promise<CredentialLabel[]>;
  /** Deletes an action code's configuration. Returns whether one was deleted. */
  deleteActionConfig(appId: string, actionCode: string): Promise<boolean>;
}
