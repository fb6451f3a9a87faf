import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { effectiveHints } from '../apps/effective-hints.ts';
import { getApp } from '../apps/get-app.ts';
import type { Hint } from '../apps/policy.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { issueCeremony } from '../ceremonies/issue-ceremony.ts';
import { LatchkeyError } from '../errors.ts';
import { type Runtime, toBase64Url } from '../runtime.ts';

/** Options for {@link startAuthentication}. */
export interface StartAuthenticationOptions {
  appId: string;
  /** The app backend's authenticate transaction; null for a discoverable or autofill sign-in. */
  transactionId: string | null;
  /** Hints for this ceremony instead of the transaction's or the app's. Advice only. */
  hints?: readonly Hint[];
}

/**
 * Starts a sign-in. With a transaction, the challenge is bound to its user and `allowCredentials`
 * lists that user's passkeys; without one, any of the app's discoverable credentials may answer
 * (usable with conditional mediation), and the credential decides the user.
 *
 * @example
 * const { ceremonyId, options } = await startAuthentication(runtime, { appId, transactionId: null });
 */
export async function startAuthentication(
  runtime: Runtime,
  options: StartAuthenticationOptions,
  context?: RequestContext,
): Promise<{
  ceremonyId: string;
  transactionId: string | null;
  options: PublicKeyCredentialRequestOptionsJSON;
}> {
  const app = await getApp(runtime, options.appId);
  const now = runtime.now();
  let userId: string | null = null;
  let transactionHints: readonly Hint[] | null = null;
  let allowCredentials: PublicKeyCredentialRequestOptionsJSON['allowCredentials'];
  if (options.transactionId !== null) {
    const consumed = await runtime.store.transactions.consumeWithCredentials(
      app.id,
      options.transactionId,
      'authenticate',
      now,
    );
    if (!consumed) {
      throw new LatchkeyError(
        'transaction_invalid',
        'transaction is unknown, expired or already used',
      );
    }
    const { transaction, credentials } = consumed;
    userId = transaction.userId;
    transactionHints = transaction.hints;
    if (credentials.length === 0) {
      throw new LatchkeyError('user_has_no_passkeys', 'user has no passkeys');
    }
    allowCredentials = credentials.map((c) => ({
      id: c.credentialId,
      type: 'public-key',
      ...(c.transports.length ? { transports: c.transports as Transport[] } : {}),
    }));
  }
  const challenge = toBase64Url(runtime.randomBytes(32));
  const requestOptions: PublicKeyCredentialRequestOptionsJSON = {
    challenge,
    timeout: app.policy.ceremonyTtlSeconds * 1000,
    rpId: app.rpId,
    userVerification: app.policy.userVerification,
    ...(allowCredentials ? { allowCredentials } : {}),
    ...effectiveHints(app.policy, options.hints, transactionHints),
  };
  const ceremony = await issueCeremony(
    runtime,
    {
      app,
      kind: 'authenticate',
      challenge,
      userId,
      binding:
        options.transactionId === null
          ? { type: 'none' }
          : { type: 'transaction', transactionId: options.transactionId },
      userVerificationRequired: app.policy.userVerification === 'required',
    },
    context,
  );
  return { ceremonyId: ceremony.id, transactionId: options.transactionId, options: requestOptions };
}

type Transport = NonNullable<
  NonNullable<PublicKeyCredentialRequestOptionsJSON['allowCredentials']>[number]['transports']
>[number];
