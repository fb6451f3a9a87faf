/**
 * Session tokens: a JWT an app may ask for when it redeems a sign-in nonce or validates an action,
 * so that its other services can check who signed in, how and when, without calling latchkey. The
 * claims follow RFC 7519 and RFC 8176 (`amr`); `acr` uses the OpenID EAP values `phr`/`phrh`.
 */
import { SignJWT } from 'jose';
import type { AppRecord } from '../apps/app-port.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { type Runtime, toBase64Url } from '../runtime.ts';
import type { UserRecord } from '../users/user-port.ts';
import { SESSION_TOKEN_ALGORITHM } from './signing-key-port.ts';
import { activeSigningKey } from './signing-keys.ts';

/** The JOSE `typ` of a session token (RFC 8725 §3.11: explicit typing keeps it from being taken for another kind of JWT). */
export const SESSION_TOKEN_TYPE = 'latchkey-session+jwt';

/** The issuer of an app's session tokens. Tokens of one app never verify as another's. */
export function sessionTokenIssuer(appId: string): string {
  return `urn:latchkey:app:${appId}`;
}

/** The action a token's step-up approved, as the `action` claim carries it. */
export interface ActionClaim {
  id: string;
  code: string;
  idempotency_key: string;
  /** SHA-256 (hex) of the canonical JSON of the approved custom attributes; null when none. */
  attributes_hash: string | null;
}

/** The claims of a session token. */
export interface SessionTokenClaims {
  iss: string;
  /** The app's id for the user: its external id. */
  sub: string;
  /** The app's id. */
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  /** When the passkey ceremony succeeded, in seconds. */
  auth_time: number;
  /** RFC 8176 methods: `hwk` (device-bound key) or `swk` (synced key); `user` (presence); `mfa` when the user was verified. */
  amr: string[];
  /** `phrh` (phishing-resistant, hardware-bound key) or `phr` (phishing-resistant, synced key). */
  acr: 'phr' | 'phrh';
  /** The WebAuthn credential id (base64url) that signed in. */
  credential_id: string;
  /** Whether the authenticator verified the user (PIN, biometrics): the UV flag. */
  uv: boolean;
  /** For a validated action: the action it approved. */
  action?: ActionClaim;
}

/** What a session token states, as the ceremony established it. */
export interface SessionTokenFacts {
  app: AppRecord;
  user: UserRecord;
  credential: CredentialRecord;
  /** When the ceremony succeeded (epoch ms). */
  authTime: number;
  userVerified: boolean;
  action?: ActionClaim;
}

/**
 * The claims for a token, from what the ceremony established. A backup-eligible (synced) passkey
 * is a software-held key as far as the relying party can tell (`swk`, `phr`); a device-bound one
 * is `hwk`, `phrh`.
 */
export function sessionTokenClaims(runtime: Runtime, facts: SessionTokenFacts): SessionTokenClaims {
  const now = Math.floor(runtime.now() / 1000);
  const synced = facts.credential.backupEligible;
  return {
    iss: sessionTokenIssuer(facts.app.id),
    sub: facts.user.externalId,
    aud: facts.app.id,
    iat: now,
    exp: now + facts.app.policy.sessionTokens.ttlSeconds,
    jti: toBase64Url(runtime.randomBytes(16)),
    auth_time: Math.floor(facts.authTime / 1000),
    amr: [synced ? 'swk' : 'hwk', 'user', ...(facts.userVerified ? ['mfa'] : [])],
    acr: synced ? 'phr' : 'phrh',
    credential_id: facts.credential.credentialId,
    uv: facts.userVerified,
    ...(facts.action ? { action: facts.action } : {}),
  };
}

/**
 * Signs a session token with the app's current key. Returns the token and its `jti`, which the
 * caller records in the audit event of the redemption or validation it belongs to.
 *
 * @example
 * const { token } = await issueSessionToken(runtime, { app, user, credential, authTime, userVerified: true });
 */
export async function issueSessionToken(
  runtime: Runtime,
  facts: SessionTokenFacts,
): Promise<{ token: string; jti: string }> {
  const claims = sessionTokenClaims(runtime, facts);
  const key = await activeSigningKey(runtime, facts.app.id);
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: SESSION_TOKEN_ALGORITHM, kid: key.id, typ: SESSION_TOKEN_TYPE })
    .sign(key.key);
  return { token, jti: claims.jti };
}
