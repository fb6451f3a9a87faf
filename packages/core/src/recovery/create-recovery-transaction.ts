import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { newTransaction } from '../transactions/create-transaction.ts';
import type { TransactionRecord } from '../transactions/transaction-port.ts';
import { assertExternalId } from '../users/external-id.ts';

/** Options for {@link createRecoveryTransaction}. */
export interface CreateRecoveryTransactionOptions {
  appId: string;
  /** The app's own id for the user; the user must exist in latchkey already. */
  externalId: string;
  /** The name the passkey manager shows for this account; the user's display name when absent. */
  passkeyDisplayName?: string;
  /**
   * Whether completing the recovery revokes every other passkey of the user. Default true: the
   * lost passkey may be in someone else's hands.
   */
  revokeOtherPasskeys?: boolean;
}

/**
 * The app backend's permission to register a new passkey for a user who lost theirs: a register
 * transaction that is an account recovery. latchkey never owns identity: the app proves who the
 * person is by its own means (email, support desk, an ID check) before it asks for this.
 *
 * The browser runs the ordinary registration with it. Its finish checks the response exactly as
 * any registration, then stores the new passkey and (by default) revokes the user's other
 * passkeys in one database transaction, audited and announced by webhook.
 *
 * Only for a user the app already has in latchkey: an unknown external id is `user_not_found`.
 * This is the app backend's authenticated API, which knows its own users, so saying so reveals
 * nothing; and a recovery must never create an account. Records `recovery.started`.
 *
 * @example
 * const tx = await createRecoveryTransaction(runtime, { appId, externalId: 'u1' });
 * // keep the user's other passkeys:
 * await createRecoveryTransaction(runtime, { appId, externalId: 'u1', revokeOtherPasskeys: false });
 */
export async function createRecoveryTransaction(
  runtime: Runtime,
  options: CreateRecoveryTransactionOptions,
  context?: RequestContext,
): Promise<TransactionRecord> {
  const app = await getApp(runtime, options.appId);
  assertExternalId(options.externalId, 'external_id');
  const user = await runtime.store.users.findByExternalId(app.id, options.externalId);
  if (!user) throw new LatchkeyError('user_not_found', 'user not found');
  const revokeOtherPasskeys = options.revokeOtherPasskeys ?? true;
  const passkeys = await runtime.store.credentials.countByUser(app.id, user.id);
  const transaction = newTransaction(runtime, app, runtime.now(), {
    kind: 'register',
    userId: user.id,
    passkeyDisplayName: options.passkeyDisplayName ?? null,
    hints: null,
    upgrade: false,
    recovery: { revokeOtherPasskeys },
  });
  await runtime.store.transactions.insert(transaction);
  await recordEvent(runtime, context, {
    type: 'recovery.started',
    appId: app.id,
    userId: user.id,
    data: { transactionId: transaction.id, revokeOtherPasskeys, passkeys },
  });
  return transaction;
}
