import type { AppRecord } from '../apps/app-port.ts';
import type { AuditFacts } from '../audit/audit-events.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { auditOfChange, observeEvent, recordEvent } from '../audit/record-event.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import type { RecoveryMode } from '../recovery/recovery-mode.ts';
import { newId, type Runtime } from '../runtime.ts';
import type { TransactionRecord } from '../transactions/transaction-port.ts';
import { bindingFacts } from './ceremony-audit.ts';
import type { CeremonyBinding, CeremonyKind, CeremonyRecord } from './ceremony-port.ts';

/** The ceremony's lifetime beyond the browser's timeout, for the round trip. */
export const CEREMONY_MARGIN_SECONDS = 30;

/** Options for {@link issueCeremony}. */
export interface IssueCeremonyOptions {
  app: AppRecord;
  kind: CeremonyKind;
  challenge: string;
  userId: string | null;
  binding: CeremonyBinding;
  userVerificationRequired: boolean;
  /** A conditional create (automatic passkey upgrade); only a register ceremony can be one. */
  conditional?: boolean;
  /** An account recovery's registration, and its choice; only a register ceremony can be one. */
  recovery?: RecoveryMode | null;
}

/** A new ceremony and the facts of its `ceremony.started` event, not yet written. */
function newCeremony(
  runtime: Runtime,
  options: Omit<IssueCeremonyOptions, 'userId' | 'binding'>,
  userId: string | null,
  binding: CeremonyBinding,
): { ceremony: CeremonyRecord; facts: AuditFacts } {
  const now = runtime.now();
  const { app } = options;
  const ceremony: CeremonyRecord = {
    id: newId(runtime),
    appId: app.id,
    kind: options.kind,
    challenge: options.challenge,
    userId,
    binding,
    userVerificationRequired: options.userVerificationRequired,
    conditional: options.kind === 'register' && options.conditional === true,
    recovery: options.kind === 'register' ? (options.recovery ?? null) : null,
    expiresAt: now + (app.policy.ceremonyTtlSeconds + CEREMONY_MARGIN_SECONDS) * 1000,
    consumedAt: null,
    createdAt: now,
  };
  // A transaction always names its user, even before the store has said which one.
  const discoverable = userId === null && binding.type !== 'transaction';
  const facts: AuditFacts = {
    type: 'ceremony.started',
    appId: app.id,
    userId,
    data: {
      kind: options.kind,
      ceremonyId: ceremony.id,
      ...bindingFacts(binding),
      ...(options.kind === 'authenticate' ? { discoverable } : {}),
      ...(ceremony.conditional ? { upgrade: true } : {}),
      ...(ceremony.recovery ? { recovery: true } : {}),
    },
  };
  return { ceremony, facts };
}

/**
 * Stores a new ceremony of any binding, living the app's WebAuthn timeout plus a margin, and
 * records `ceremony.started` naming the binding. Every product starts its ceremonies here.
 *
 * @example
 * const ceremony = await issueCeremony(runtime, { app, kind: 'authenticate', challenge, userId: null, binding: { type: 'none' }, userVerificationRequired: false });
 */
export async function issueCeremony(
  runtime: Runtime,
  options: IssueCeremonyOptions,
  context?: RequestContext,
): Promise<CeremonyRecord> {
  const { ceremony, facts } = newCeremony(runtime, options, options.userId, options.binding);
  await runtime.store.ceremonies.insert(ceremony);
  await recordEvent(runtime, context, facts);
  return ceremony;
}

/** Options for {@link issueCeremonyForTransaction}. */
export interface IssueForTransactionOptions
  extends Omit<IssueCeremonyOptions, 'userId' | 'binding'> {
  transactionId: string;
  /** Whether the transaction's user must hold a passkey for the ceremony to be issued. */
  requireCredentials: boolean;
}

/**
 * {@link issueCeremony} for an app backend's transaction: consumes the transaction (of the
 * ceremony's kind, unexpired, unused), reads its user's credentials and stores the ceremony bound
 * to it with its `ceremony.started` event, in one store operation (one statement on PostgreSQL).
 * Null when the transaction could not be consumed; `ceremony` is null when credentials were
 * required and the user holds none (the transaction is used up all the same).
 *
 * @example
 * const issued = await issueCeremonyForTransaction(runtime, { app, kind: 'authenticate', challenge, transactionId, userVerificationRequired: true, requireCredentials: true });
 */
export async function issueCeremonyForTransaction(
  runtime: Runtime,
  options: IssueForTransactionOptions,
  context?: RequestContext,
): Promise<{
  transaction: TransactionRecord;
  credentials: CredentialRecord[];
  ceremony: CeremonyRecord | null;
} | null> {
  // The user is the transaction's, which the store reads as it consumes it; until then the
  // records name none (they are filled in below rather than copied: this is a sign-in's hot path).
  const { ceremony, facts } = newCeremony(runtime, options, null, {
    type: 'transaction',
    transactionId: options.transactionId,
  });
  const issued = await runtime.store.transactions.consumeForCeremony({
    appId: options.app.id,
    transactionId: options.transactionId,
    kind: options.kind,
    at: ceremony.createdAt,
    requireCredentials: options.requireCredentials,
    ceremony,
    audit: auditOfChange(runtime, context, facts),
  });
  if (!issued) return null;
  const { transaction, credentials } = issued;
  if (options.requireCredentials && credentials.length === 0) {
    return { transaction, credentials, ceremony: null };
  }
  facts.userId = transaction.userId;
  observeEvent(runtime, facts);
  ceremony.userId = transaction.userId;
  return { transaction, credentials, ceremony };
}
