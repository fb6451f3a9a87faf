/** Core records as the admin API shows them: snake_case, ISO times, never a secret. */
import {
  type ActionConfigRecord,
  type ActionRecord,
  type ApiKeyRecord,
  type AppRecord,
  type AuditEventRecord,
  type CredentialRecord,
  type OperatorActor,
  providerOf,
  type RecordSubjects,
  type UserRecord,
} from '@latchkey/core';
import type { Static } from '@sinclair/typebox';
import type {
  Action,
  ActionConfig,
  ApiKey,
  App,
  AuditEvent,
  Operator,
  Passkey,
  User,
} from './schemas.ts';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** The operator behind a request, as `GET /session` shows it. */
export function presentOperator(actor: OperatorActor): Static<typeof Operator> {
  return {
    token_id: actor.tokenId,
    name: actor.name,
    via: actor.via,
    session_expires_at: isoOrNull(actor.sessionExpiresAt),
  };
}

/** An app with its policy. */
export function presentApp(app: AppRecord): Static<typeof App> {
  return {
    app_id: app.id,
    name: app.name,
    rp_id: app.rpId,
    origins: app.origins,
    policy: app.policy as unknown as Record<string, unknown>,
    created_at: iso(app.createdAt),
    updated_at: iso(app.updatedAt),
  };
}

/** An API key: its id and dates, never its secret or hash. */
export function presentKey(key: ApiKeyRecord): Static<typeof ApiKey> {
  return {
    key_id: key.id,
    status: key.revokedAt === null ? ('active' as const) : ('revoked' as const),
    created_at: iso(key.createdAt),
    last_used_at: isoOrNull(key.lastUsedAt),
    revoked_at: isoOrNull(key.revokedAt),
  };
}

/** A user of an app. */
export function presentUser(user: UserRecord): Static<typeof User> {
  return {
    user_id: user.id,
    external_id: user.externalId,
    display_name: user.displayName,
    status: user.status,
    created_at: iso(user.createdAt),
    last_login_at: isoOrNull(user.lastLoginAt),
    login_count: user.loginCount,
  };
}

/** A passkey, with its provider where the AAGUID names one. */
export function presentPasskey(device: CredentialRecord): Static<typeof Passkey> {
  const provider = providerOf(device.aaguid);
  return {
    device_id: device.id,
    credential_id: device.credentialId,
    friendly_name: device.friendlyName,
    type: device.type,
    provider: provider
      ? { name: provider.name, icon_light: provider.icons.light, icon_dark: provider.icons.dark }
      : null,
    aaguid: device.aaguid,
    backup_eligible: device.backupEligible,
    backup_state: device.backupState,
    transports: device.transports,
    attachment: device.attachment,
    created_at: iso(device.createdAt),
    last_used_at: isoOrNull(device.lastUsedAt),
    usage_count: device.usageCount,
    aaguid_attested: device.aaguidAttested === true,
    prf_enabled: device.prfEnabled,
    created_by_upgrade: device.createdByUpgrade,
  };
}

/** An action code's rules. */
export function presentActionConfig(config: ActionConfigRecord): Static<typeof ActionConfig> {
  return {
    action_code: config.actionCode,
    default_outcome: config.defaultOutcome,
    rules: config.rules,
    version: config.version,
    created_at: iso(config.createdAt),
    updated_at: iso(config.updatedAt),
  };
}

/** The user a record names, by the app's own id and display name. */
function presentSubject(user: UserRecord | null): Static<typeof Action>['user'] {
  return user
    ? { user_id: user.id, external_id: user.externalId, display_name: user.displayName }
    : null;
}

/** A tracked action, with its user's external id and display name where the user still exists. */
export function presentAction(
  action: ActionRecord,
  subjects: RecordSubjects,
): Static<typeof Action> {
  return {
    action_id: action.id,
    user_id: action.userId,
    action_code: action.actionCode,
    idempotency_key: action.idempotencyKey,
    state: action.state,
    attributes: action.attributes,
    rules: action.rules,
    verified_by_credential_id: action.verifiedByCredentialId,
    created_at: iso(action.createdAt),
    state_updated_at: iso(action.stateUpdatedAt),
    validated_at: isoOrNull(action.validatedAt),
    user: presentSubject(subjects.user(action.appId, action.userId)),
  };
}

/**
 * An audit event; its actor, where one acted, lifted out of its data; its user and passkey named
 * where they still exist.
 */
export function presentEvent(
  event: AuditEventRecord,
  subjects: RecordSubjects,
): Static<typeof AuditEvent> {
  const actor = event.data?.actor;
  const credential = subjects.credential(event.appId, event.credentialId);
  return {
    id: event.id,
    type: event.type,
    at: iso(event.at),
    app_id: event.appId,
    user_id: event.userId,
    credential_id: event.credentialId,
    reason: event.reason,
    ip: event.ip,
    user_agent: event.userAgent,
    request_id: event.requestId,
    actor: typeof actor === 'string' ? actor : null,
    data: event.data,
    user: presentSubject(subjects.user(event.appId, event.userId)),
    actor_name: typeof actor === 'string' ? subjects.operator(actor) : null,
    credential: credential
      ? { friendly_name: credential.friendlyName, provider: credential.provider?.name ?? null }
      : null,
  };
}
