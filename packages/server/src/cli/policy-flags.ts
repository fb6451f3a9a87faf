import { type AppPolicy, DEVICE_BINDING, RULE_ERROR_OUTCOMES } from '@latchkey/core';
import { type Command, Option } from 'commander';

/** The policy flags shared by `apps create` and `apps update`. */
export function addPolicyOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--user-verification <mode>', 'user verification').choices([
        'required',
        'preferred',
        'discouraged',
      ]),
    )
    .addOption(
      new Option('--attestation <mode>', 'attestation preference').choices([
        'none',
        'indirect',
        'direct',
        'enterprise',
      ]),
    )
    .addOption(
      new Option('--resident-key <mode>', 'discoverable credentials').choices([
        'required',
        'preferred',
        'discouraged',
      ]),
    )
    .option('--algorithms <list>', 'allowed algorithms in order, e.g. ES256,EdDSA,RS256')
    .option('--ceremony-ttl <seconds>', 'WebAuthn timeout and ceremony lifetime')
    .option('--transaction-ttl <seconds>', 'transaction lifetime')
    .option('--nonce-ttl <seconds>', 'nonce lifetime')
    .addOption(
      new Option('--counter-policy <policy>', 'device-bound counter regressions').choices([
        'refuse',
        'flag',
      ]),
    )
    .option('--allow-cross-origin', 'accept ceremonies run in a cross-origin iframe')
    .option('--no-allow-cross-origin', 'refuse ceremonies run in a cross-origin iframe')
    .option('--allow-removing-last-passkey', "allow revoking a user's last passkey")
    .option('--no-allow-removing-last-passkey', "forbid revoking a user's last passkey")
    .option('--starts-per-ip <n>', 'ceremony starts a minute per client IP (0: no limit)')
    .option('--starts-per-app <n>', 'ceremony starts a minute for the whole app (0: no limit)')
    .option('--failures-per-ip <n>', 'failed finishes a minute per client IP (0: no limit)')
    .option('--failures-per-app <n>', 'failed finishes a minute for the whole app (0: no limit)')
    .addOption(
      new Option(
        '--on-rule-error <outcome>',
        'the least an action gets when one of its rules cannot be evaluated',
      ).choices(RULE_ERROR_OUTCOMES),
    )
    .option('--session-tokens', 'return a signed session token (JWT) with sign-ins and approvals')
    .option('--no-session-tokens', 'return no session tokens')
    .option('--session-token-ttl <seconds>', 'session token lifetime')
    .option('--aaguid-allow <list>', 'AAGUIDs that may register, comma-separated (empty: any)')
    .option('--aaguid-deny <list>', 'AAGUIDs that may not register, comma-separated')
    .addOption(
      new Option('--device-binding <mode>', 'whether synced passkeys (BE=1) may register').choices(
        DEVICE_BINDING,
      ),
    )
    .option(
      '--require-attested-authenticator',
      'accept only authenticators whose attestation verifies against the loaded FIDO metadata',
    )
    .option('--no-require-attested-authenticator', 'accept self-reported AAGUIDs too')
    .option(
      '--hints <list>',
      'WebAuthn hints every ceremony sends, most preferred first: security-key, client-device, hybrid ("" for none)',
    )
    .option(
      '--related-origin <origin>',
      'a related origin outside the RP ID that may use it (repeatable; replaces the list; none clears it)',
      repeat,
    )
    .option(
      '--android-app <package=fingerprint,…>',
      'an Android app sharing the passkeys: its package name and SHA-256 signing-certificate fingerprints (repeatable; replaces the list; none clears it)',
      repeat,
    )
    .option(
      '--android-app-links',
      'also grant handle_all_urls (App Links) to the --android-app apps given',
    )
    .option(
      '--apple-app <TEAMID.bundle.id>',
      'an Apple app sharing the passkeys (repeatable; replaces the list; none clears it)',
      repeat,
    );
}

/** The session-token flags that were given, as a partial `sessionTokens`; undefined when none was. */
function sessionTokensFrom(
  options: Record<string, unknown>,
  given: (name: string) => boolean,
): Record<string, unknown> | undefined {
  const settings = Object.fromEntries(
    Object.entries({
      enabled: given('sessionTokens') ? options.sessionTokens : undefined,
      ttlSeconds: seconds(options.sessionTokenTtl),
    }).filter(([, v]) => v !== undefined),
  );
  return Object.keys(settings).length ? settings : undefined;
}

/** A comma-separated flag as a list; an empty value is the empty list. */
function list(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function repeat(value: string, all: string[] = []): string[] {
  return [...all, value];
}

/** A repeated list flag's values: `none` alone clears the list; not given leaves it. */
function listFlag(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.length === 1 && value[0] === 'none' ? [] : (value as string[]);
}

/**
 * `--android-app com.example.bank=AB:CD:…,12:34:…` as an Android app. Core validates the parts;
 * a value without `=` is passed on with no fingerprints, so core names what is missing.
 */
function androidApps(value: unknown, links: boolean): unknown[] | undefined {
  return listFlag(value)?.map((entry) => {
    const at = entry.indexOf('=');
    const packageName = at < 0 ? entry : entry.slice(0, at);
    const fingerprints =
      at < 0
        ? []
        : entry
            .slice(at + 1)
            .split(',')
            .map((s) => s.trim());
    return { packageName, sha256CertFingerprints: fingerprints, handleAllUrls: links };
  });
}

/** The rate-limit flags that were given, as a partial `rateLimits`; undefined when none was. */
function rateLimitsFrom(options: Record<string, unknown>): Record<string, number> | undefined {
  const limits = Object.fromEntries(
    Object.entries({
      startsPerIp: seconds(options.startsPerIp),
      startsPerApp: seconds(options.startsPerApp),
      failuresPerIp: seconds(options.failuresPerIp),
      failuresPerApp: seconds(options.failuresPerApp),
    }).filter(([, v]) => v !== undefined),
  );
  return Object.keys(limits).length ? (limits as Record<string, number>) : undefined;
}

/** A whole-number flag (seconds or counts); commander gives strings. */
function seconds(value: unknown): number | undefined {
  return typeof value === 'string' ? Number(value) : undefined;
}

/** Reads the policy flags that were given; absent flags leave the policy as it is. */
export function policyFromOptions(
  options: Record<string, unknown>,
  given: (name: string) => boolean,
): Partial<AppPolicy> {
  const policy: Record<string, unknown> = {
    userVerification: options.userVerification,
    attestation: options.attestation,
    residentKey: options.residentKey,
    algorithms:
      typeof options.algorithms === 'string'
        ? options.algorithms.split(',').map((s) => s.trim())
        : undefined,
    ceremonyTtlSeconds: seconds(options.ceremonyTtl),
    transactionTtlSeconds: seconds(options.transactionTtl),
    nonceTtlSeconds: seconds(options.nonceTtl),
    counterPolicy: options.counterPolicy,
    allowCrossOrigin: given('allowCrossOrigin') ? options.allowCrossOrigin : undefined,
    allowRemovingLastPasskey: given('allowRemovingLastPasskey')
      ? options.allowRemovingLastPasskey
      : undefined,
    rateLimits: rateLimitsFrom(options),
    onRuleError: options.onRuleError,
    sessionTokens: sessionTokensFrom(options, given),
    aaguidAllowList: list(options.aaguidAllow),
    aaguidDenyList: list(options.aaguidDeny),
    deviceBinding: options.deviceBinding,
    requireAttestedAuthenticator: given('requireAttestedAuthenticator')
      ? options.requireAttestedAuthenticator
      : undefined,
    // "" clears the list: the browser decides.
    hints:
      typeof options.hints === 'string'
        ? options.hints
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : undefined,
    relatedOrigins: listFlag(options.relatedOrigin),
    androidApps: androidApps(options.androidApp, options.androidAppLinks === true),
    appleAppIds: listFlag(options.appleApp),
  };
  return Object.fromEntries(
    Object.entries(policy).filter(([, v]) => v !== undefined),
  ) as Partial<AppPolicy>;
}
