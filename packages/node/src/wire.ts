/**
 * Reads the flex API's snake_case JSON into the camelCase models. A body that lacks a field the
 * contract requires is a {@link ShapeError} (reported as `unexpected_response`), never a model
 * with `undefined` inside.
 */
import {
  type AppInfo,
  type PassageUser,
  USER_STATUSES,
  type UserStatus,
  WEBAUTHN_TYPES,
  type WebAuthnDevice,
  type WebAuthnType,
} from './models.ts';

type Json = Record<string, unknown>;

/**
 * A successful answer without the shape the contract promises. The request layer turns it into a
 * `PassageError` with `unexpected_response` and the answer's status.
 *
 * @example
 * throw new ShapeError('transaction_id');
 */
export class ShapeError extends Error {
  constructor(what: string) {
    super(`latchkey's answer has no valid ${what}`);
  }
}

function unexpected(what: string): ShapeError {
  return new ShapeError(what);
}

/**
 * The object at `body[key]` (or `body` itself without a key).
 *
 * @example
 * const user = object(body, 'user');
 */
export function object(body: unknown, key?: string): Json {
  const value = key === undefined ? body : (body as Json | undefined)?.[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw unexpected(key ?? 'body');
  }
  return value as Json;
}

/**
 * The array at `body[key]`.
 *
 * @example
 * const users = array(object(body), 'users');
 */
export function array(body: Json, key: string): unknown[] {
  const value = body[key];
  if (!Array.isArray(value)) throw unexpected(key);
  return value;
}

/**
 * The non-empty string at `body[key]`.
 *
 * @example
 * const transactionId = text(object(body), 'transaction_id');
 */
export function text(body: Json, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw unexpected(key);
  return value;
}

function date(body: Json, key: string): Date {
  const value = body[key];
  const parsed = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(parsed.getTime())) throw unexpected(key);
  return parsed;
}

function count(body: Json, key: string): number {
  const value = body[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw unexpected(key);
  return value;
}

function flag(body: Json, key: string): boolean {
  const value = body[key];
  if (typeof value !== 'boolean') throw unexpected(key);
  return value;
}

function webAuthnType(value: unknown, what: string): WebAuthnType {
  if (!(WEBAUTHN_TYPES as readonly unknown[]).includes(value)) throw unexpected(what);
  return value as WebAuthnType;
}

/**
 * The string at `body[key]`, or null when there is none.
 *
 * @example
 * const sessionToken = optionalText(object(body), 'session_token');
 */
export function optionalText(body: Json, key: string): string | null {
  return typeof body[key] === 'string' ? body[key] : null;
}

function optionalFlag(body: Json, key: string): boolean | null {
  return typeof body[key] === 'boolean' ? body[key] : null;
}

/**
 * A WebAuthnDevice of the wire as a {@link WebAuthnDevice}.
 *
 * @example
 * const devices = array(object(body), 'devices').map(toDevice);
 */
export function toDevice(value: unknown): WebAuthnDevice {
  const device = object(value);
  const icons = typeof device.icons === 'object' && device.icons !== null ? device.icons : {};
  const transports = Array.isArray(device.transports) ? device.transports : [];
  return {
    id: text(device, 'id'),
    credId: text(device, 'cred_id'),
    friendlyName: typeof device.friendly_name === 'string' ? device.friendly_name : '',
    type: webAuthnType(device.type, 'device type'),
    usageCount: count(device, 'usage_count'),
    createdAt: date(device, 'created_at'),
    updatedAt: date(device, 'updated_at'),
    lastLoginAt: date(device, 'last_login_at'),
    icons: {
      light: optionalText(icons as Json, 'light'),
      dark: optionalText(icons as Json, 'dark'),
    },
    aaguid: optionalText(device, 'aaguid'),
    backupEligible: optionalFlag(device, 'backup_eligible'),
    backupState: optionalFlag(device, 'backup_state'),
    transports: transports.filter((t): t is string => typeof t === 'string'),
    authenticatorAttachment: optionalText(device, 'authenticator_attachment'),
    aaguidAttested: optionalFlag(device, 'aaguid_attested'),
    prfEnabled: device.prf_enabled === true,
    createdByUpgrade: device.created_by_upgrade === true,
  };
}

/**
 * A UserInfo of the wire as a {@link PassageUser}.
 *
 * @example
 * const user = toUser(object(body, 'user'));
 */
export function toUser(user: Json): PassageUser {
  const status = user.status;
  if (!(USER_STATUSES as readonly unknown[]).includes(status)) throw unexpected('user status');
  const metadata = user.user_metadata;
  const types = Array.isArray(user.webauthn_types) ? user.webauthn_types : [];
  return {
    id: text(user, 'id'),
    externalId: text(user, 'external_id'),
    status: status as UserStatus,
    createdAt: date(user, 'created_at'),
    updatedAt: date(user, 'updated_at'),
    lastLoginAt: date(user, 'last_login_at'),
    loginCount: count(user, 'login_count'),
    userMetadata:
      typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
        ? (metadata as Record<string, unknown>)
        : null,
    webauthn: flag(user, 'webauthn'),
    webauthnDevices: array(user, 'webauthn_devices').map(toDevice),
    webauthnTypes: types.map((t) => webAuthnType(t, 'webauthn type')),
  };
}

/**
 * The `app` of `GET /v1/apps/{app_id}` as an {@link AppInfo}.
 *
 * @example
 * const app = toApp(object(body, 'app'));
 */
export function toApp(app: Json): AppInfo {
  return { id: text(app, 'id'), name: text(app, 'name'), authOrigin: text(app, 'auth_origin') };
}
