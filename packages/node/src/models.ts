/**
 * What the methods return: the models of `@passageidentity/passage-flex-node`, camelCase with
 * `Date` fields, plus a few fields latchkey adds. A date latchkey has not seen yet (a passkey never
 * used) is `0001-01-01T00:00:00Z`, as Passage's Go servers wrote it; {@link isNever} tells.
 */

/**
 * The states a user can be in.
 *
 * @example
 * USER_STATUSES.includes(user.status); // true
 */
export const USER_STATUSES = ['active', 'inactive', 'pending'] as const;
/** @example const status: UserStatus = 'active'; */
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * The kinds of passkey: `passkey` is synced (backup eligible), `platform` is bound to the device
 * that made it, `security_key` is a roaming, device-bound key.
 *
 * @example
 * const synced = device.type === 'passkey';
 */
export const WEBAUTHN_TYPES = ['passkey', 'platform', 'security_key'] as const;
/** @example const type: WebAuthnType = 'passkey'; */
export type WebAuthnType = (typeof WEBAUTHN_TYPES)[number];

/**
 * Images of the passkey's provider (an `https:` or `data:` URL), or null when it is not known.
 *
 * @example
 * const src = device.icons.light ?? '/img/key.svg';
 */
export interface WebAuthnIcons {
  light: string | null;
  dark: string | null;
}

/**
 * One passkey of a user.
 *
 * @example
 * const devices: WebAuthnDevice[] = await passage.user.listDevices('user-42');
 * for (const d of devices) console.log(d.friendlyName, d.lastLoginAt);
 */
export interface WebAuthnDevice {
  /** The device id: what `revokeDevice` takes. */
  id: string;
  /** The WebAuthn credential id, base64url. */
  credId: string;
  /** The provider's name where its AAGUID is known, otherwise the register transaction's display name. */
  friendlyName: string;
  type: WebAuthnType;
  usageCount: number;
  createdAt: Date;
  updatedAt: Date;
  /** The last sign-in with it; `0001-01-01T00:00:00Z` before the first. */
  lastLoginAt: Date;
  icons: WebAuthnIcons;
  /** latchkey: the authenticator's AAGUID (all zeros where it does not say). */
  aaguid: string | null;
  /** latchkey: whether the credential may be synced (WebAuthn BE flag). */
  backupEligible: boolean | null;
  /** latchkey: whether it is synced now (WebAuthn BS flag). */
  backupState: boolean | null;
  /** latchkey: the transports the browser reported (`internal`, `hybrid`, `usb`, …). */
  transports: string[];
  /** latchkey: `platform` or `cross-platform` as the browser reported it, or null. */
  authenticatorAttachment: string | null;
  /**
   * latchkey: whether the AAGUID was attested against FIDO metadata at registration (true), or is
   * only the authenticator's own claim (false); null from a server that does not say.
   */
  aaguidAttested: boolean | null;
  /**
   * latchkey: the browser reported the PRF extension enabled when the passkey was made. Reported
   * by the client, not attested. Revoking a user's last such passkey needs `acknowledgePrfLoss`.
   */
  prfEnabled: boolean;
  /** latchkey: made by an automatic passkey upgrade (a conditional create after a password sign-in). */
  createdByUpgrade: boolean;
}

/**
 * latchkey: WebAuthn hints, which kind of authenticator the browser should offer first. Advice to
 * the browser only.
 *
 * @example
 * const hints: PasskeyHint[] = ['security-key'];
 */
export const PASSKEY_HINTS = ['security-key', 'client-device', 'hybrid'] as const;
export type PasskeyHint = (typeof PASSKEY_HINTS)[number];

/**
 * latchkey: options of a register transaction.
 *
 * @example
 * await passage.auth.createRegisterTransaction('user-42', 'ada@example.com', { upgrade: true });
 */
export interface RegisterTransactionOptions {
  /** WebAuthn hints for this ceremony instead of the app's, most preferred first. */
  hints?: PasskeyHint[];
  /**
   * An automatic passkey upgrade for a user who just signed in with a password: the browser makes
   * the passkey without a prompt (conditional create), or refuses at once.
   */
  upgrade?: boolean;
}

/**
 * latchkey: options of an account recovery transaction.
 *
 * @example
 * await passage.auth.createRecoveryTransaction('user-42', { revokeOtherPasskeys: false });
 */
export interface RecoveryTransactionOptions {
  /** The name the passkey manager shows for the account; the user's display name when absent. */
  passkeyDisplayName?: string;
  /**
   * Whether completing the recovery revokes every other passkey of the user, at once with the new
   * one's registration. Default true: the lost passkey may be in someone else's hands.
   */
  revokeOtherPasskeys?: boolean;
}

/**
 * latchkey: options of an authenticate transaction.
 *
 * @example
 * await passage.auth.createAuthenticateTransaction('user-42', { hints: ['security-key'] });
 */
export interface AuthenticateTransactionOptions {
  /** WebAuthn hints for this ceremony instead of the app's, most preferred first. */
  hints?: PasskeyHint[];
}

/**
 * latchkey: options of a revocation.
 *
 * @example
 * await passage.user.revokeDevice('user-42', device.id, { acknowledgePrfLoss: true });
 */
export interface RevokeDeviceOptions {
  /**
   * Revoke even the user's last passkey with PRF enabled. Without it such a revocation rejects with
   * `operation_not_allowed` (409): what the app encrypted with keys from that passkey would be lost.
   */
  acknowledgePrfLoss?: boolean;
}

/**
 * passage-flex-node 0.2.x's name for {@link WebAuthnDevice}.
 *
 * @example
 * const devices: WebAuthnDevices[] = await passage.getDevices('user-42');
 */
export type WebAuthnDevices = WebAuthnDevice;

/**
 * A user as latchkey knows them: your external id, their passkeys and sign-in counts.
 *
 * @example
 * const user: PassageUser = await passage.user.get('user-42');
 * if (!user.webauthn) offerPasskeyEnrollment();
 */
export interface PassageUser {
  /** latchkey's id for the user (not your external id). */
  id: string;
  /** Your id for the user, as given to `createRegisterTransaction`. */
  externalId: string;
  status: UserStatus;
  createdAt: Date;
  updatedAt: Date;
  /** The last passkey sign-in; `0001-01-01T00:00:00Z` before the first. */
  lastLoginAt: Date;
  loginCount: number;
  /** Always null: latchkey keeps no metadata of yours. */
  userMetadata: Record<string, unknown> | null;
  /** Whether the user has at least one passkey. */
  webauthn: boolean;
  webauthnDevices: WebAuthnDevice[];
  webauthnTypes: WebAuthnType[];
}

/**
 * passage-flex-node 0.2.x's name for {@link PassageUser}.
 *
 * @example
 * const user: UserInfo = await passage.getUser('user-42');
 */
export type UserInfo = PassageUser;

/** The well-known documents `getWellKnownDocument` reads, by their name under `/.well-known/`. */
export const WELL_KNOWN_FILES = [
  'webauthn',
  'assetlinks.json',
  'apple-app-site-association',
] as const;
export type WellKnownFile = (typeof WELL_KNOWN_FILES)[number];

/**
 * The app, as `getApp()` returns it.
 *
 * @example
 * const app: AppInfo = await passage.getApp();
 * app.authOrigin; // 'https://bank.example'
 */
export interface AppInfo {
  id: string;
  name: string;
  /** The app's first web origin. */
  authOrigin: string;
}

const NEVER_MS = Date.parse('0001-01-01T00:00:00Z');

/**
 * Whether a date is latchkey's "not yet" (`0001-01-01T00:00:00Z`), as in a passkey never used.
 *
 * @example
 * const lastUsed = isNever(device.lastLoginAt) ? 'never' : device.lastLoginAt.toLocaleString();
 */
export function isNever(date: Date): boolean {
  return date.getTime() === NEVER_MS;
}
