/** Core records to flex wire models. Dates are RFC 3339 UTC; required fields are never null. */
import type { AppRecord, CredentialRecord, UserRecord } from '@latchkey/core';
import { isAndroidOrigin, providerOf } from '@latchkey/core';
import type { Static } from '@sinclair/typebox';
import type { AppInfoResponse, UserInfo, UserItem, WebAuthnDevice } from './schemas.ts';

/**
 * Passage's servers were written in Go, whose zero time serialises as this; the SDKs expect a
 * string, never null, so "never" is written the way they have always seen it.
 */
export const NEVER = '0001-01-01T00:00:00Z';

export function rfc3339(ms: number | null): string {
  return ms === null ? NEVER : new Date(ms).toISOString();
}

export function presentUser(user: UserRecord): Static<typeof UserItem> {
  return {
    created_at: rfc3339(user.createdAt),
    email: '',
    email_verified: false,
    external_id: user.externalId,
    id: user.id,
    last_login_at: rfc3339(user.lastLoginAt),
    login_count: user.loginCount,
    phone: '',
    phone_verified: false,
    status: user.status,
    updated_at: rfc3339(user.updatedAt),
    user_metadata: null,
  };
}

export function presentDevice(device: CredentialRecord): Static<typeof WebAuthnDevice> {
  const provider = providerOf(device.aaguid);
  return {
    created_at: rfc3339(device.createdAt),
    cred_id: device.credentialId,
    friendly_name: device.friendlyName,
    id: device.id,
    last_login_at: rfc3339(device.lastUsedAt),
    type: device.type,
    updated_at: rfc3339(device.updatedAt),
    usage_count: device.usageCount,
    icons: { light: provider?.icons.light ?? null, dark: provider?.icons.dark ?? null },
    aaguid: device.aaguid,
    backup_eligible: device.backupEligible,
    backup_state: device.backupState,
    transports: device.transports,
    authenticator_attachment: device.attachment,
    aaguid_attested: device.aaguidAttested === true,
    prf_enabled: device.prfEnabled,
    created_by_upgrade: device.createdByUpgrade,
  };
}

export function presentUserInfo(
  user: UserRecord,
  devices: CredentialRecord[],
): Static<typeof UserInfo> {
  return {
    ...presentUser(user),
    recent_events: [],
    social_connections: {},
    webauthn: devices.length > 0,
    webauthn_devices: devices.map(presentDevice),
    webauthn_types: [...new Set(devices.map((d) => d.type))],
  };
}

export function presentApp(app: AppRecord): Static<typeof AppInfoResponse> {
  return {
    app: {
      id: app.id,
      name: app.name,
      // passage-flex-js 0.1.x compares this with the page's origin.
      auth_origin: app.origins.find((o) => !isAndroidOrigin(o)) ?? app.origins[0] ?? '',
      rp_id: app.rpId,
      allowed_origins: app.origins,
      created_at: rfc3339(app.createdAt),
    },
  };
}
