import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { effectiveHints } from '../apps/effective-hints.ts';
import { getApp } from '../apps/get-app.ts';
import { ALGORITHMS, type Hint } from '../apps/policy.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { issueCeremony } from '../ceremonies/issue-ceremony.ts';
import { LatchkeyError } from '../errors.ts';
import { type Runtime, toBase64Url } from '../runtime.ts';

/** Options for {@link startRegistration}. */
export interface StartRegistrationOptions {
  appId: string;
  transactionId: string;
  /** Advice for the browser's authenticator choice; it constrains nothing on the server. */
  authenticatorAttachment?: 'platform' | 'cross-platform' | 'any';
  /** Hints for this ceremony instead of the transaction's or the app's. Advice only. */
  hints?: readonly Hint[];
}

/**
 * Starts a registration: consumes the app backend's register transaction and issues a fresh
 * challenge bound to the transaction's user, with the user's existing credentials excluded (none
 * for an account recovery that revokes them).
 *
 * @example
 * const { ceremonyId, options } = await startRegistration(runtime, { appId, transactionId });
 */
export async function startRegistration(
  runtime: Runtime,
  options: StartRegistrationOptions,
  context?: RequestContext,
): Promise<{
  ceremonyId: string;
  transactionId: string;
  options: PublicKeyCredentialCreationOptionsJSON;
  /** An automatic passkey upgrade: the browser should create it with `mediation: 'conditional'`. */
  upgrade: boolean;
}> {
  const app = await getApp(runtime, options.appId);
  const now = runtime.now();
  const transaction = await runtime.store.transactions.consume(
    app.id,
    options.transactionId,
    'register',
    now,
  );
  if (!transaction) {
    throw new LatchkeyError(
      'transaction_invalid',
      'transaction is unknown, expired or already used',
    );
  }
  const user = await runtime.store.users.findById(app.id, transaction.userId);
  if (!user) throw new LatchkeyError('transaction_invalid', 'transaction user no longer exists');
  // A recovery that revokes the user's other passkeys excludes none of them: an authenticator that
  // still holds one (the very device, found again, or a synced copy out of the user's reach) may
  // then replace it with the new passkey instead of refusing, and the old one goes anyway.
  const excluded =
    transaction.recovery?.revokeOtherPasskeys === true
      ? []
      : await runtime.store.credentials.listByUser(app.id, user.id);
  const { policy } = app;
  const challenge = toBase64Url(runtime.randomBytes(32));
  const attachment =
    options.authenticatorAttachment && options.authenticatorAttachment !== 'any'
      ? { authenticatorAttachment: options.authenticatorAttachment }
      : {};
  const displayName = transaction.passkeyDisplayName ?? user.displayName;
  const creationOptions: PublicKeyCredentialCreationOptionsJSON = {
    challenge,
    rp: { name: app.name, id: app.rpId },
    user: { id: user.webauthnUserId, name: displayName, displayName },
    pubKeyCredParams: policy.algorithms.map((name) => ({
      type: 'public-key',
      alg: ALGORITHMS[name],
    })),
    timeout: policy.ceremonyTtlSeconds * 1000,
    excludeCredentials: excluded.map((c) => ({
      id: c.credentialId,
      type: 'public-key',
      ...(c.transports.length ? { transports: c.transports as AuthenticatorTransport[] } : {}),
    })),
    authenticatorSelection: {
      residentKey: policy.residentKey,
      requireResidentKey: policy.residentKey === 'required',
      userVerification: policy.userVerification,
      ...attachment,
    },
    attestation: policy.attestation,
    ...effectiveHints(policy, options.hints, transaction.hints),
    // credProps tells whether the credential is discoverable, which the policy may require.
    extensions: { credProps: true },
  };
  const ceremony = await issueCeremony(
    runtime,
    {
      app,
      kind: 'register',
      challenge,
      userId: user.id,
      binding: { type: 'transaction', transactionId: transaction.id },
      userVerificationRequired: policy.userVerification === 'required',
      conditional: transaction.upgrade,
      recovery: transaction.recovery,
    },
    context,
  );
  return {
    ceremonyId: ceremony.id,
    transactionId: transaction.id,
    options: creationOptions,
    upgrade: ceremony.conditional,
  };
}

type AuthenticatorTransport = NonNullable<
  NonNullable<PublicKeyCredentialCreationOptionsJSON['excludeCredentials']>[number]['transports']
>[number];
