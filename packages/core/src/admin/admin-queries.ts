import { assertActionCode } from '../actions/action-config.ts';
import type { ActionRecord } from '../actions/action-port.ts';
import type { ActionState } from '../actions/action-states.ts';
import { getApp } from '../apps/get-app.ts';
import type { AuditEventType } from '../audit/audit-events.ts';
import type { AuditEventRecord } from '../audit/audit-port.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { assertExternalId } from '../users/external-id.ts';
import type { Page, UserRecord } from '../users/user-port.ts';

/** The most rows one admin listing returns. */
export const ADMIN_LIST_MAX = 1000;

function clampLimit(limit: number | undefined, fallback: number): number {
  return Math.min(Math.max(limit ?? fallback, 1), ADMIN_LIST_MAX);
}

/** The user id an external id names in an app, or a value that matches nothing. */
async function userIdOf(runtime: Runtime, appId: string, externalId: string): Promise<string> {
  const user = await runtime.store.users.findByExternalId(appId, assertExternalId(externalId));
  return user?.id ?? '\u0000no-such-user';
}

/**
 * The audit log, newest first, filtered by app, user (by latchkey id or the app's external id),
 * event types and a time range.
 *
 * @example
 * const events = await searchAuditLog(runtime, { appId, externalId: 'u1', since: Date.now() - 86_400_000 });
 */
export async function searchAuditLog(
  runtime: Runtime,
  options: {
    appId?: string;
    userId?: string;
    externalId?: string;
    /** Events of the app's users found by this text, as {@link searchUsers}' `query` finds them. */
    userQuery?: string;
    types?: AuditEventType[];
    since?: number;
    until?: number;
    limit?: number;
  },
): Promise<AuditEventRecord[]> {
  if (options.appId !== undefined) await getApp(runtime, options.appId);
  if (options.externalId !== undefined && options.appId === undefined) {
    throw new LatchkeyError('invalid_request', 'external_id needs app_id');
  }
  if (options.userQuery !== undefined && options.appId === undefined) {
    throw new LatchkeyError('invalid_request', 'user needs app_id');
  }
  const userId =
    options.externalId !== undefined && options.appId !== undefined
      ? await userIdOf(runtime, options.appId, options.externalId)
      : options.userId;
  return runtime.store.adminQueries.searchAudit({
    ...(options.appId === undefined ? {} : { appId: options.appId }),
    ...(userId === undefined ? {} : { userId }),
    ...(options.userQuery ? { userQuery: options.userQuery } : {}),
    ...(options.types?.length ? { types: options.types } : {}),
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.until === undefined ? {} : { until: options.until }),
    limit: clampLimit(options.limit, 200),
  });
}

/**
 * An app's tracked actions, newest first, by user, action code, state and time.
 *
 * @example
 * const actions = await searchActions(runtime, { appId, state: 'CHALLENGE_REQUIRED' });
 */
export async function searchActions(
  runtime: Runtime,
  options: {
    appId: string;
    externalId?: string;
    actionCode?: string;
    state?: ActionState;
    since?: number;
    until?: number;
    limit?: number;
  },
): Promise<ActionRecord[]> {
  const app = await getApp(runtime, options.appId);
  const userId =
    options.externalId === undefined
      ? undefined
      : await userIdOf(runtime, app.id, options.externalId);
  return runtime.store.adminQueries.searchActions({
    appId: app.id,
    ...(userId === undefined ? {} : { userId }),
    ...(options.actionCode === undefined
      ? {}
      : { actionCode: assertActionCode(options.actionCode) }),
    ...(options.state === undefined ? {} : { state: options.state }),
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.until === undefined ? {} : { until: options.until }),
    limit: clampLimit(options.limit, 100),
  });
}

/**
 * Users whose external id starts with a prefix (all users for an empty one) and, with `query`,
 * whose external id starts with it or whose display name contains it (ignoring ASCII case);
 * newest first.
 *
 * @example
 * const page = await searchUsers(runtime, { appId, prefix: '', query: 'lovelace', limit: 20 });
 */
export async function searchUsers(
  runtime: Runtime,
  options: { appId: string; prefix: string; query?: string; limit?: number; offset?: number },
): Promise<Page<UserRecord>> {
  const app = await getApp(runtime, options.appId);
  return runtime.store.adminQueries.searchUsers(app.id, {
    prefix: options.prefix,
    ...(options.query ? { query: options.query } : {}),
    limit: clampLimit(options.limit, 50),
    offset: Math.max(options.offset ?? 0, 0),
  });
}

/**
 * Deletes an action code's rules; the action then allows, as one never configured does.
 *
 * @example
 * await deleteActionConfig(runtime, { appId, actionCode: 'high-value-transfer' });
 */
export async function deleteActionConfig(
  runtime: Runtime,
  options: { appId: string; actionCode: string },
  context?: RequestContext,
): Promise<void> {
  const app = await getApp(runtime, options.appId);
  const actionCode = assertActionCode(options.actionCode);
  if (!(await runtime.store.adminQueries.deleteActionConfig(app.id, actionCode))) {
    throw new LatchkeyError('action_not_found', 'no configuration for that action code');
  }
  await recordEvent(runtime, context, {
    type: 'action_config.deleted',
    appId: app.id,
    data: { actionCode },
  });
}
