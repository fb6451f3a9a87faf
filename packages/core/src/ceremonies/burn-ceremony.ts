import type { CredentialRecord } from '../credentials/credential-port.ts';
import { type FailureReason, LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { CeremonyBindingType, CeremonyKind, CeremonyRecord } from './ceremony-port.ts';

/**
 * What a finish request claims its ceremony is bound to. A flex finish names the transaction it is
 * finishing (or none, for a discoverable sign-in); an actions finish names the action its token is
 * for (or none, for a passkey sign-in whose action is made on success).
 */
export type ExpectedBinding =
  | { type: 'transaction'; transactionId: string | null }
  | { type: 'action'; actionId: string | null };

/**
 * The stored bindings each kind of finish may burn: a flex finish never sees an action's ceremony
 * and an actions finish never sees a flex one, as when they lived in tables of their own.
 */
const BURNABLE: Readonly<Record<ExpectedBinding['type'], readonly CeremonyBindingType[]>> = {
  transaction: ['transaction', 'none'],
  action: ['action'],
};

/** How each product names a ceremony in its messages (flex: handshake; actions: challenge). */
const NOUN: Readonly<Record<ExpectedBinding['type'], string>> = {
  transaction: 'handshake',
  action: 'challenge',
};

/** Options for {@link burnCeremony}. */
export interface BurnCeremonyOptions {
  appId: string;
  ceremonyId: string;
  kind: CeremonyKind;
  expected: ExpectedBinding;
}

/**
 * Burns a ceremony before anything else is looked at (security row 1): the first finish attempt
 * consumes it whether it then succeeds or not, so a failed attempt cannot be retried and a replay
 * finds nothing. Then checks that it is of the expected kind, unexpired, and bound to what the
 * finish request names (its transaction, or its token's action).
 *
 * @example
 * const ceremony = await burnCeremony(runtime, { appId, ceremonyId, kind: 'authenticate', expected: { type: 'transaction', transactionId: null } });
 */
export async function burnCeremony(
  runtime: Runtime,
  options: BurnCeremonyOptions,
): Promise<CeremonyRecord> {
  const now = runtime.now();
  const ceremony = validId(options.ceremonyId)
    ? await runtime.store.ceremonies.consume(
        options.appId,
        options.ceremonyId,
        now,
        BURNABLE[options.expected.type],
      )
    : null;
  return checkBurnt(ceremony, options, now);
}

/**
 * {@link burnCeremony} for a sign-in: burns the ceremony and reads the credential the assertion
 * names in the same call (one statement where the store allows), since a sign-in needs both
 * before it can check anything. The credential is null when the app has none with that id.
 *
 * @example
 * const { ceremony, credential } = await burnCeremonyForAssertion(runtime, { appId, ceremonyId, kind: 'authenticate', expected, credentialId: response.id });
 */
export async function burnCeremonyForAssertion(
  runtime: Runtime,
  options: BurnCeremonyOptions & { credentialId: string },
): Promise<{ ceremony: CeremonyRecord; credential: CredentialRecord | null }> {
  const now = runtime.now();
  const burnt = validId(options.ceremonyId)
    ? await runtime.store.ceremonies.consumeWithCredential(
        options.appId,
        options.ceremonyId,
        now,
        BURNABLE[options.expected.type],
        options.credentialId,
      )
    : null;
  return {
    ceremony: checkBurnt(burnt?.ceremony ?? null, options, now),
    credential: burnt?.credential ?? null,
  };
}

function validId(ceremonyId: string): boolean {
  return ceremonyId.length > 0 && ceremonyId.length <= 100;
}

/** The checks every burnt ceremony passes before anything else is looked at. */
function checkBurnt(
  ceremony: CeremonyRecord | null,
  options: BurnCeremonyOptions,
  now: number,
): CeremonyRecord {
  const { expected } = options;
  const unknown = `${NOUN[expected.type]} is unknown, expired or already used`;
  const fail = (reason: FailureReason, message: string): never => {
    throw new LatchkeyError('ceremony_invalid', message, { reason });
  };
  if (!ceremony) return fail('ceremony_unknown', unknown);
  if (ceremony.kind !== options.kind) return fail('ceremony_kind_mismatch', unknown);
  if (ceremony.expiresAt <= now) return fail('ceremony_expired', unknown);
  const { binding } = ceremony;
  if (expected.type === 'transaction') {
    const bound = binding.type === 'transaction' ? binding.transactionId : null;
    if (expected.transactionId !== null && expected.transactionId !== bound) {
      return fail('transaction_mismatch', 'handshake does not belong to this transaction');
    }
  } else {
    // Security row 10: a step-up challenge answers for its own action only, and only with its token.
    const bound = binding.type === 'action' ? binding.actionId : null;
    if (bound !== expected.actionId) {
      return fail('action_mismatch', 'the challenge belongs to another action');
    }
  }
  return ceremony;
}
