/** `passage.sessionTokens`: verifying the session tokens latchkey signs, without calling it back. */
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { PassageError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';

/** The JOSE `typ` latchkey gives session tokens; a JWT of another type is refused. */
export const SESSION_TOKEN_TYPE = 'latchkey-session+jwt';

/** The action a session token's step-up approved. */
export interface SessionTokenAction {
  id: string;
  code: string;
  idempotency_key: string;
  attributes_hash: string | null;
}

/** The claims of a verified session token. */
export interface SessionTokenClaims extends JWTPayload {
  iss: string;
  /** The user's external id: the app's own id for them. */
  sub: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  /** When the passkey ceremony succeeded (seconds). */
  auth_time: number;
  /** RFC 8176: `hwk` or `swk`, `user`, and `mfa` when the user was verified. */
  amr: string[];
  /** `phrh` (device-bound passkey) or `phr` (synced passkey). */
  acr: 'phr' | 'phrh';
  /** The WebAuthn credential id (base64url). */
  credential_id: string;
  /** Whether the authenticator verified the user. */
  uv: boolean;
  /** Present when the token came with a validated action. */
  action?: SessionTokenAction;
}

/** What {@link SessionTokens.verify} requires beyond a valid signature, issuer, audience and expiry. */
export interface VerifySessionTokenOptions {
  /** Refuse a token whose sign-in is older than this many seconds (`auth_time`). */
  maxAuthAgeSeconds?: number;
  /** Refuse a token whose authenticator did not verify the user. */
  requireUserVerification?: boolean;
  /** Refuse a token that is not for this action code (and idempotency key, where given). */
  action?: { code: string; idempotencyKey?: string };
  /** Seconds of clock difference tolerated on `exp`/`iat`. Default 5. */
  clockToleranceSeconds?: number;
}

function refuse(message: string, cause?: unknown): never {
  throw new PassageError({ errorCode: 'invalid_session_token', message, cause });
}

/**
 * Verifies session tokens against the app's published keys (`/.well-known/jwks.json`, fetched once
 * and again when a token names a key it does not know, as after a rotation). Checks the signature
 * (ES256 only), `typ`, issuer, audience (this app), expiry, and the claims' shape; what else the app
 * requires it passes as options.
 *
 * @example
 * const claims = await passage.sessionTokens.verify(token, { maxAuthAgeSeconds: 300 });
 * claims.sub; // the user's external id
 */
export class SessionTokens {
  readonly #appId: string;
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(options: Pick<ResolvedOptions, 'appId' | 'appUrl' | 'timeoutMs'>) {
    this.#appId = options.appId;
    this.#jwks = createRemoteJWKSet(new URL(`${options.appUrl}/.well-known/jwks.json`), {
      timeoutDuration: options.timeoutMs,
    });
  }

  /**
   * Resolves with the token's claims, or rejects with `PassageError` `invalid_session_token`.
   *
   * @example
   * const { sub, action } = await passage.sessionTokens.verify(token, {
   *   action: { code: 'transfer', idempotencyKey },
   * });
   */
  async verify(
    token: string,
    options: VerifySessionTokenOptions = {},
  ): Promise<SessionTokenClaims> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      throw new PassageError({
        errorCode: 'invalid_argument',
        message: 'token must be a non-empty string',
      });
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks, {
        algorithms: ['ES256'],
        typ: SESSION_TOKEN_TYPE,
        issuer: `urn:latchkey:app:${this.#appId}`,
        audience: this.#appId,
        clockTolerance: options.clockToleranceSeconds ?? 5,
        requiredClaims: ['sub', 'iat', 'exp', 'jti', 'auth_time'],
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError)
        refuse(`the session token does not verify: ${error.message}`, error);
      throw error;
    }
    const claims = payload as SessionTokenClaims;
    if (!Array.isArray(claims.amr) || typeof claims.credential_id !== 'string') {
      refuse('the session token lacks the claims latchkey gives');
    }
    if (options.maxAuthAgeSeconds !== undefined) {
      const age = Date.now() / 1000 - claims.auth_time;
      if (age > options.maxAuthAgeSeconds + (options.clockToleranceSeconds ?? 5)) {
        refuse(`the sign-in is older than ${options.maxAuthAgeSeconds} seconds`);
      }
    }
    if (options.requireUserVerification && claims.uv !== true) {
      refuse('the authenticator did not verify the user');
    }
    if (options.action) {
      if (claims.action?.code !== options.action.code) {
        refuse(`the session token does not approve the action ${options.action.code}`);
      }
      const key = options.action.idempotencyKey;
      if (key !== undefined && claims.action.idempotency_key !== key) {
        refuse('the session token approves another instance of the action');
      }
    }
    return claims;
  }
}
