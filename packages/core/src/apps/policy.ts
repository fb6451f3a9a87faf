/**
 * Per-app WebAuthn policy. Defaults are the safe choice; every field can be changed per app.
 */
import type { AndroidApp } from './native-apps.ts';

export const USER_VERIFICATION = ['required', 'preferred', 'discouraged'] as const;
export type UserVerification = (typeof USER_VERIFICATION)[number];

export const ATTESTATION = ['none', 'indirect', 'direct', 'enterprise'] as const;
export type Attestation = (typeof ATTESTATION)[number];

export const RESIDENT_KEY = ['required', 'preferred', 'discouraged'] as const;
export type ResidentKey = (typeof RESIDENT_KEY)[number];

/** What to do when a device-bound credential's signature counter does not move forward. */
export const COUNTER_POLICY = ['refuse', 'flag'] as const;
export type CounterPolicy = (typeof COUNTER_POLICY)[number];

/**
 * What an action gets, at least, when one of its rules cannot be evaluated (see docs/actions.md).
 * ALLOW is not among them: a broken rule must never let an action through unchecked.
 */
export const RULE_ERROR_OUTCOMES = ['CHALLENGE', 'REVIEW', 'BLOCK'] as const;
export type RuleErrorOutcome = (typeof RULE_ERROR_OUTCOMES)[number];

/**
 * Whether passkeys that may be synced (BE=1) are accepted, or only device-bound ones, whose key
 * never leaves its authenticator (NIST SP 800-63B-4 asks that of AAL3).
 */
export const DEVICE_BINDING = ['synced-allowed', 'device-bound-only'] as const;
export type DeviceBinding = (typeof DEVICE_BINDING)[number];

/** COSE algorithm identifiers latchkey accepts, by name. ES256 first: the one real passkeys use. */
export const ALGORITHMS = { ES256: -7, EdDSA: -8, RS256: -257 } as const;
export type AlgorithmName = keyof typeof ALGORITHMS;
export const ALGORITHM_NAMES = Object.keys(ALGORITHMS) as AlgorithmName[];

/**
 * WebAuthn L3 `hints` (§5.8.7): which kind of authenticator the browser should offer first. Advice
 * to the browser's UI only; the server never trusts them (security row 5).
 */
export const HINTS = ['security-key', 'client-device', 'hybrid'] as const;
export type Hint = (typeof HINTS)[number];

export interface AppPolicy {
  userVerification: UserVerification;
  attestation: Attestation;
  residentKey: ResidentKey;
  /** Allowed algorithms, in the order offered in `pubKeyCredParams`. */
  algorithms: AlgorithmName[];
  /** The WebAuthn `timeout` sent to the browser, and the ceremony's lifetime (plus a margin). */
  ceremonyTtlSeconds: number;
  transactionTtlSeconds: number;
  nonceTtlSeconds: number;
  counterPolicy: CounterPolicy;
  /** Whether a response with `crossOrigin: true` (an iframe on another site) is accepted. */
  allowCrossOrigin: boolean;
  /** Whether a user's last passkey may be revoked through the API. */
  allowRemovingLastPasskey: boolean;
  /**
   * Abuse limits, per minute and shared by every instance: ceremony starts, and failed finishes,
   * each counted per client IP and for the whole app. 0 turns a limit off.
   */
  rateLimits: RateLimits;
  /** The least an action gets when one of its rules cannot be evaluated. */
  onRuleError: RuleErrorOutcome;
  /** Signed session tokens (JWTs) handed out with a redeemed nonce or a validated action. */
  sessionTokens: SessionTokenPolicy;
  /** AAGUIDs (lower-case UUIDs) accepted at registration; empty accepts any not denied. */
  aaguidAllowList: string[];
  /** AAGUIDs refused at registration. */
  aaguidDenyList: string[];
  /** Whether synced passkeys (BE=1) may register. */
  deviceBinding: DeviceBinding;
  /**
   * Whether a registration needs an attestation that verifies against the loaded FIDO metadata
   * (`latchkey mds load`), so that its AAGUID is attested rather than self-reported.
   */
  requireAttestedAuthenticator: boolean;
  /**
   * The `hints` every ceremony's options carry unless a transaction or a start asks for others, in
   * order of preference. Empty: none sent, the browser decides.
   */
  hints: Hint[];
  /**
   * Web origins outside the RP ID that may use it (WebAuthn L3 §5.11), listed in the RP ID's
   * `/.well-known/webauthn` and accepted in this app's ceremonies.
   */
  relatedOrigins: string[];
  /** Android apps that share the passkeys (assetlinks.json; their apk-key-hash origins are accepted). */
  androidApps: AndroidApp[];
  /** Apple apps that share the passkeys, as `TEAMID.bundle.id` (apple-app-site-association). */
  appleAppIds: string[];
}

/**
 * Whether redeeming a sign-in nonce or validating an action also returns a signed session token,
 * and how long such a token lives (see docs/session-tokens.md).
 */
export interface SessionTokenPolicy {
  enabled: boolean;
  ttlSeconds: number;
}

/** Bounds on a session token's lifetime: long enough to reach the app, short enough to matter. */
export const SESSION_TOKEN_TTL_BOUNDS = { min: 60, max: 86_400 } as const;

/** Per-minute limits on ceremony starts and failed finishes (see {@link AppPolicy.rateLimits}). */
export interface RateLimits {
  startsPerIp: number;
  startsPerApp: number;
  failuresPerIp: number;
  failuresPerApp: number;
}

/** The limit names, in the order they are documented and shown. */
export const RATE_LIMIT_NAMES = [
  'startsPerIp',
  'startsPerApp',
  'failuresPerIp',
  'failuresPerApp',
] as const;

/** Upper bound of any rate limit, so a typo cannot make one meaningless. */
export const RATE_LIMIT_MAX = 1_000_000;

export const DEFAULT_POLICY: AppPolicy = Object.freeze({
  userVerification: 'required',
  attestation: 'none',
  residentKey: 'required',
  algorithms: ['ES256', 'EdDSA', 'RS256'],
  ceremonyTtlSeconds: 300,
  transactionTtlSeconds: 300,
  nonceTtlSeconds: 120,
  counterPolicy: 'refuse',
  allowCrossOrigin: false,
  allowRemovingLastPasskey: true,
  // A person retries a few times a minute; a page behind one NAT may hold many people.
  rateLimits: { startsPerIp: 120, startsPerApp: 6000, failuresPerIp: 30, failuresPerApp: 1200 },
  // A step-up is what a rule that cannot be read most likely meant to ask for.
  onRuleError: 'CHALLENGE',
  // Off until the app asks: an app that never verifies tokens should not be handed any.
  sessionTokens: { enabled: false, ttlSeconds: 900 },
  aaguidAllowList: [],
  aaguidDenyList: [],
  deviceBinding: 'synced-allowed',
  requireAttestedAuthenticator: false,
  hints: [],
  relatedOrigins: [],
  androidApps: [],
  appleAppIds: [],
}) as AppPolicy;

/** The most AAGUIDs one allow or deny list may hold. */
export const AAGUID_LIST_MAX = 1000;

/** Bounds on lifetimes, so a typo cannot make a nonce live for a year. */
export const TTL_BOUNDS = { min: 10, max: 3600 } as const;
