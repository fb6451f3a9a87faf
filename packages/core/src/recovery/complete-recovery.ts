import type { AuditFacts } from '../audit/audit-events.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { eventRows, observeEvent } from '../audit/record-event.ts';
import type { CeremonyRecord } from '../ceremonies/ceremony-port.ts';
import type {
  CredentialRecord,
  RecoveryResult,
  RevocationReason,
} from '../credentials/credential-port.ts';
import type { Runtime } from '../runtime.ts';
import type { RecoveryMode } from './recovery-mode.ts';

/** Options for {@link completeRecovery}. */
export interface CompleteRecoveryOptions {
  /** The burnt register ceremony of the recovery. */
  ceremony: CeremonyRecord;
  recovery: RecoveryMode;
  /** The new passkey, verified like any registration's. */
  credential: CredentialRecord;
  /** Its `credential.registered` event. */
  registered: AuditFacts;
}

const REASON: RevocationReason = 'recovery';

/**
 * Stores a recovery's verified passkey and, where the recovery says so, revokes the user's other
 * passkeys: one atomic store operation, whose audit events and webhook outbox rows
 * (`credential.registered`, `credential.revoked` for each passkey it revoked, with the reason
 * `recovery`, and `recovery.completed`) commit with it or not at all.
 *
 * The last passkey with PRF is not protected here as a single revocation protects it: the app
 * asked for the recovery, and the user cannot reach that passkey any more, so what was encrypted
 * with its keys is out of their reach already. How many PRF passkeys went is reported instead
 * (`prfPasskeysRevoked` in `recovery.completed`, `prfEnabled` on each `credential.revoked`).
 *
 * @example
 * const { outcome, revoked } = await completeRecovery(runtime, { ceremony, recovery: ceremony.recovery, credential, registered });
 */
export async function completeRecovery(
  runtime: Runtime,
  options: CompleteRecoveryOptions,
  context?: RequestContext,
): Promise<RecoveryResult> {
  const { ceremony, credential } = options;
  let facts: AuditFacts[] = [];
  const result = await runtime.store.credentials.recover({
    credential,
    ceremonyIssuedAt: ceremony.createdAt,
    at: runtime.now(),
    revokeOthers: options.recovery.revokeOtherPasskeys,
    events: (revoked) => {
      facts = [
        options.registered,
        ...revoked.map((device) => revokedFacts(device)),
        completedFacts(options, revoked),
      ];
      return facts.map((f) => eventRows(runtime, context, f));
    },
  });
  if (result.outcome === 'inserted') for (const f of facts) observeEvent(runtime, f);
  return result;
}

/** A passkey's `credential.revoked`, as a single revocation records it, with the reason. */
function revokedFacts(device: CredentialRecord): AuditFacts {
  return {
    type: 'credential.revoked',
    appId: device.appId,
    userId: device.userId,
    credentialId: device.id,
    reason: REASON,
    data: {
      credentialId: device.credentialId,
      friendlyName: device.friendlyName,
      ...(device.prfEnabled ? { prfEnabled: true } : {}),
    },
  };
}

function completedFacts(options: CompleteRecoveryOptions, revoked: CredentialRecord[]): AuditFacts {
  const { ceremony, credential } = options;
  const prfRevoked = revoked.filter((c) => c.prfEnabled).length;
  return {
    type: 'recovery.completed',
    appId: credential.appId,
    userId: credential.userId,
    credentialId: credential.id,
    data: {
      ...(ceremony.binding.type === 'transaction'
        ? { transactionId: ceremony.binding.transactionId }
        : {}),
      ceremonyId: ceremony.id,
      credentialId: credential.credentialId,
      revokeOtherPasskeys: options.recovery.revokeOtherPasskeys,
      revoked: revoked.length,
      revokedDeviceIds: revoked.map((c) => c.id),
      ...(prfRevoked > 0 ? { prfPasskeysRevoked: prfRevoked } : {}),
    },
  };
}
