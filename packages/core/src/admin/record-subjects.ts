import { type Provider, providerOf } from '../providers/providers.ts';
import type { Runtime } from '../runtime.ts';
import type { UserRecord } from '../users/user-port.ts';
import type { CredentialLabel } from './admin-queries-port.ts';
import { ENV_TOKEN_ID } from './operator-actor.ts';

/** What a listing names its rows' users and passkeys by, looked up once for the whole listing. */
export interface RecordSubjects {
  /** The user of this app with this id, or null (deleted, or of another app). */
  user(appId: string | null, userId: string | null): UserRecord | null;
  /** The passkey of this app with this id and its provider, or null (revoked, or unknown). */
  credential(
    appId: string | null,
    credentialId: string | null,
  ): (CredentialLabel & { provider: Provider | null }) | null;
  /** The name of the operator token with this id (revoked ones too), or null. */
  operator(tokenId: string | null): string | null;
}

const key = (appId: string, id: string): string => `${appId}\u0000${id}`;

/**
 * Looks up the users and passkeys a list of audit events or actions names, app by app, so a
 * timeline can say "ada@example.com signed in with iCloud Keychain" rather than show ids. A user
 * or passkey is only ever found in the app of the record that names it.
 *
 * @example
 * const subjects = await recordSubjects(runtime, events);
 * subjects.user(event.appId, event.userId)?.externalId;
 */
export async function recordSubjects(
  runtime: Runtime,
  records: ReadonlyArray<{
    appId: string | null;
    userId: string | null;
    credentialId?: string | null;
    /** An audit event's data, whose `actor` names the operator who acted. */
    data?: Record<string, unknown> | null;
  }>,
): Promise<RecordSubjects> {
  const wanted = new Map<string, { users: Set<string>; credentials: Set<string> }>();
  for (const record of records) {
    if (record.appId === null) continue;
    const ids = wanted.get(record.appId) ?? { users: new Set(), credentials: new Set() };
    wanted.set(record.appId, ids);
    if (record.userId) ids.users.add(record.userId);
    if (record.credentialId) ids.credentials.add(record.credentialId);
  }
  const users = new Map<string, UserRecord>();
  const credentials = new Map<string, CredentialLabel & { provider: Provider | null }>();
  for (const [appId, ids] of wanted) {
    for (const user of await runtime.store.adminQueries.usersByIds(appId, [...ids.users])) {
      users.set(key(appId, user.id), user);
    }
    const labels = await runtime.store.adminQueries.credentialLabels(appId, [...ids.credentials]);
    for (const label of labels) {
      credentials.set(key(appId, label.id), { ...label, provider: providerOf(label.aaguid) });
    }
  }
  const operators = new Map<string, string>();
  if (records.some((r) => typeof r.data?.actor === 'string')) {
    for (const token of await runtime.store.operatorTokens.list()) {
      operators.set(token.id, token.name);
    }
  }
  return {
    operator: (tokenId) =>
      tokenId === ENV_TOKEN_ID
        ? 'LATCHKEY_ADMIN_TOKEN'
        : ((tokenId && operators.get(tokenId)) ?? null),
    user: (appId, userId) => (appId && userId ? (users.get(key(appId, userId)) ?? null) : null),
    credential: (appId, credentialId) =>
      appId && credentialId ? (credentials.get(key(appId, credentialId)) ?? null) : null,
  };
}
