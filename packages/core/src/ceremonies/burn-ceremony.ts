import { type FailureReason, LatchkeyError } from '../errors.ts';
import type { CeremonyKind, CeremonyRecord } from '../ports.ts';
import type { Runtime } from '../runtime.ts';

/**
 * Burns a ceremony before anything else is looked at (security row 1): the first finish attempt
 * consumes it whether it then succeeds or not, so a failed attempt cannot be retried and a replay
 * finds nothing. Then checks that it is of the expected kind, unexpired, and of the same
 * transaction as the finish request names.
 */
export async function burnCeremony(
  runtime: Runtime,
  options: { appId: string; ceremonyId: string; kind: CeremonyKind; transactionId: string | null },
): Promise<CeremonyRecord> {
  const now = runtime.now();
  const fail = (reason: FailureReason, message: string): never => {
    throw new LatchkeyError('ceremony_invalid', message, { reason });
  };
  const ceremony =
    options.ceremonyId.length > 0 && options.ceremonyId.length <= 100
      ? await runtime.store.ceremonies.consume(options.appId, options.ceremonyId, now)
      : null;
  if (!ceremony) return fail('ceremony_unknown', 'handshake is unknown, expired or already used');
  if (ceremony.kind !== options.kind) {
    return fail('ceremony_kind_mismatch', 'handshake is unknown, expired or already used');
  }
  if (ceremony.expiresAt <= now) {
    return fail('ceremony_expired', 'handshake is unknown, expired or already used');
  }
  if (options.transactionId !== null && options.transactionId !== ceremony.transactionId) {
    return fail('transaction_mismatch', 'handshake does not belong to this transaction');
  }
  return ceremony;
}
