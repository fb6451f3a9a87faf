/**
 * Every name a rule condition may read with `{"var": …}`. Documented one by one in
 * docs/actions.md; a test fails when one is missing there.
 */
export const RULE_VARIABLES = {
  'custom.<name>': 'a custom attribute tracked with the action (string, number or boolean)',
  actionCode: 'the action code being tracked',
  ipAddress: 'the ipAddress attribute, or null',
  ip: 'the same as ipAddress (the name the Authsignal rules use)',
  userAgent: 'the userAgent attribute, or null',
  deviceId: 'the deviceId attribute, or null',
  email: 'the email attribute, or null',
  phoneNumber: 'the phoneNumber attribute, or null',
  username: 'the username attribute, or null',
  isNewUser: 'true when this track created the user',
  isNewDevice:
    'true when no earlier action of this user was tracked with this deviceId; null without one',
  isNewIpAddress:
    'true when no earlier action of this user was tracked from this ipAddress; null without one',
  isEnrolled: 'whether the user has at least one passkey',
  passkeyCount: "the number of the user's passkeys",
  secondsSinceLastVerified:
    "whole seconds since one of the user's passkeys last verified, or null if none ever did",
  'passkeys.count': "the number of the user's passkeys (the same as passkeyCount)",
  'passkeys.anyDeviceBound':
    'whether at least one passkey is device-bound (registered with BE=0: it cannot be synced)',
  'passkeys.anySynced': 'whether at least one passkey may be synced (registered with BE=1)',
  'passkeys.anyAttested':
    'whether at least one passkey has an attested AAGUID (its attestation verified against FIDO metadata)',
  'passkeys.newestAgeDays':
    'whole days since the newest passkey was registered, or null without passkeys',
} as const;

/** The data a rule condition is evaluated against. */
export interface RuleContext {
  custom: Record<string, string | number | boolean>;
  actionCode: string;
  ipAddress: string | null;
  ip: string | null;
  userAgent: string | null;
  deviceId: string | null;
  email: string | null;
  phoneNumber: string | null;
  username: string | null;
  isNewUser: boolean;
  isNewDevice: boolean | null;
  isNewIpAddress: boolean | null;
  isEnrolled: boolean;
  passkeyCount: number;
  secondsSinceLastVerified: number | null;
  passkeys: {
    count: number;
    anyDeviceBound: boolean;
    anySynced: boolean;
    anyAttested: boolean;
    newestAgeDays: number | null;
  };
}

/** The top-level names of {@link RuleContext}, which a `var` path must start with. */
export const RULE_CONTEXT_ROOTS: ReadonlySet<string> = new Set(
  Object.keys(RULE_VARIABLES).map((name) => name.split('.')[0] as string),
);

/** The `passkeys` of a user without passkeys. */
export const NO_PASSKEYS: RuleContext['passkeys'] = Object.freeze({
  count: 0,
  anyDeviceBound: false,
  anySynced: false,
  anyAttested: false,
  newestAgeDays: null,
});
