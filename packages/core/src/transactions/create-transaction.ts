import type { AppRecord } from '../apps/app-port.ts';
import { getApp } from '../apps/get-app.ts';
import type { Hint } from '../apps/policy.ts';
import { resolveHints } from '../apps/resolve-policy.ts';
import type { AuditFacts, RequestContext } from '../audit/record-event.ts';
import { auditOfChange, observeEvent, recordEvent } from '../audit/record-event.ts';
import type { CeremonyKind } from '../ceremonies/ceremony-port.ts';
import { LatchkeyError } from '../errors.ts';
import { newId, type Runtime, toBase64Url } from '../runtime.ts';
import { assertExternalId } from '../users/external-id.ts';
import type { TransactionRecord } from './transaction-port.ts';

/** Options for {@link createTransaction}. */
export interface CreateTransactionOptions {
  appId: string;
  kind: CeremonyKind;
  /** The app's own id for the user. */
  externalId: string;
  /** Register only: the name the passkey manager shows for this account. */
  passkeyDisplayName?: string;
  /** The WebAuthn hints for this ceremony instead of the app's default. */
  hints?: readonly Hint[];
  /**
   * Register only: an automatic passkey upgrade, for a user who just signed in with a password.
   * The browser creates the passkey without a prompt (conditional create), so the response may
   * come without user presence; only a transaction made so by the app's backend allows that.
   */
  upgrade?: boolean;
}

/**
 * The app backend's permission for one ceremony for one of its users. A register transaction
 * creates the user on first use; an authenticate transaction needs a user with passkeys, and
 * answers `user_has_no_passkeys` alike for an unknown user and a user without passkeys, so the
 * answer tells nothing about which users exist.
 *
 * @example
 * const tx = await createTransaction(runtime, { appId, kind: 'register', externalId: 'u1', passkeyDisplayName: 'ada@example.com' });
 */
export async function createTransaction(
  runtime: Runtime,
  options: CreateTransactionOptions,
  context?: RequestContext,
): Promise<TransactionRecord> {
  const app = await getApp(runtime, options.appId);
  assertExternalId(options.externalId, 'external_id');
  const hints = options.hints === undefined ? null : resolveHints(options.hints, 'hints');
  if (options.upgrade === true && options.kind !== 'register') {
    throw new LatchkeyError('invalid_request', 'only a register transaction can be an upgrade');
  }
  const now = runtime.now();
  const fields = {
    kind: options.kind,
    passkeyDisplayName: options.passkeyDisplayName ?? null,
    hints,
    upgrade: options.upgrade === true,
    recovery: null,
  };
  if (options.kind === 'authenticate') {
    // One store call finds the user, checks they hold a passkey, and writes the transaction and
    // its event: nothing is written for an unknown user or one without passkeys.
    // The user is the store's to find; until then the record names none.
    const transaction = newTransaction(runtime, app, now, { ...fields, userId: '' });
    const facts = createdFacts(app.id, transaction);
    const userId = await runtime.store.transactions.insertForPasskeyHolder(
      options.externalId,
      transaction,
      auditOfChange(runtime, context, facts),
    );
    if (userId === null) throw new LatchkeyError('user_has_no_passkeys', 'user has no passkeys');
    facts.userId = userId;
    observeEvent(runtime, facts);
    transaction.userId = userId;
    return transaction;
  }
  const displayName = options.passkeyDisplayName ?? options.externalId;
  const user = await runtime.store.users.upsertByExternalId({
    id: newId(runtime),
    appId: app.id,
    externalId: options.externalId,
    displayName,
    // WebAuthn L3 §14.6.1: the user handle must not reveal who the user is; a random one cannot.
    webauthnUserId: toBase64Url(runtime.randomBytes(32)),
    status: 'active',
    createdAt: now,
    updatedAt: now,
    lastLoginAt: null,
    loginCount: 0,
  });
  if (user.displayName !== displayName) {
    await runtime.store.users.updateDisplayName(app.id, user.id, displayName, now);
  }
  const transaction = newTransaction(runtime, app, now, { ...fields, userId: user.id });
  await runtime.store.transactions.insert(transaction);
  await recordEvent(runtime, context, { ...createdFacts(app.id, transaction), userId: user.id });
  return transaction;
}

/** The facts of `transaction.created`, but its user. */
function createdFacts(
  appId: string,
  transaction: Pick<TransactionRecord, 'id' | 'kind' | 'upgrade'>,
): AuditFacts {
  return {
    type: 'transaction.created',
    appId,
    data: {
      kind: transaction.kind,
      transactionId: transaction.id,
      ...(transaction.upgrade ? { upgrade: true } : {}),
    },
  };
}

/**
 * A new, unconsumed transaction of `app`, made at `now` and living the app's transaction lifetime.
 *
 * @example
 * const tx = newTransaction(runtime, app, runtime.now(), { kind: 'register', userId, passkeyDisplayName: null, hints: null, upgrade: false, recovery: null });
 */
export function newTransaction(
  runtime: Runtime,
  app: AppRecord,
  now: number,
  fields: Pick<
    TransactionRecord,
    'kind' | 'userId' | 'passkeyDisplayName' | 'hints' | 'upgrade' | 'recovery'
  >,
): TransactionRecord {
  return {
    id: newId(runtime),
    appId: app.id,
    ...fields,
    expiresAt: now + app.policy.transactionTtlSeconds * 1000,
    consumedAt: null,
    createdAt: now,
  };
}
