/**
 * Transfers: small ones go out at once; large ones wait, server-side, for a passkey step-up.
 *
 * The step-up: the bank creates an authenticate transaction for the signed-in user, the page runs
 * `passkey.authenticate({ transactionId })`, and the bank redeems the nonce and checks that it
 * names the same user before it moves the money. The amount and recipient come from the pending
 * transfer stored here, never from the page's second request.
 */
import type { FastifyInstance } from 'fastify';
import type { BankContext } from '../bank-context.ts';
import { BankError } from '../bank-errors.ts';
import { bankErrorFrom } from '../latchkey-errors.ts';
import { decideTransfer } from '../transfer-rules.ts';
import { requireUser, stringField } from './require-user.ts';

/** How long a large transfer waits for its passkey: as long as latchkey's transaction lives. */
export const PENDING_TRANSFER_TTL_MS = 5 * 60 * 1000;

function sent(transferId: string) {
  return {
    status: 'sent' as const,
    transferId,
    redirect: `/account?notice=sent&transfer=${encodeURIComponent(transferId)}`,
  };
}

/**
 * Registers `/api/transfers`, `/api/transfers/:id/confirm` and `/api/transfers/:id/cancel`.
 *
 * @example
 * transferRoutes(app, ctx);
 */
export function transferRoutes(app: FastifyInstance, ctx: BankContext): void {
  app.post('/api/transfers', async (request) => {
    const user = requireUser(ctx, request);
    const decision = decideTransfer({
      recipient: stringField(request.body, 'recipient'),
      amount: stringField(request.body, 'amount'),
      balanceCents: user.balanceCents,
    });
    if (decision.kind === 'refuse') throw new BankError(decision.code);
    if (decision.kind === 'send') {
      const transfer = ctx.store.transfer({
        userId: user.id,
        recipient: decision.recipient,
        amountCents: decision.amountCents,
        steppedUp: false,
        now: ctx.now(),
      });
      if (transfer === 'insufficient_funds') throw new BankError('insufficient_funds');
      return sent(transfer.id);
    }
    let transactionId: string;
    try {
      transactionId = await ctx.latchkey.createAuthenticateTransaction({ externalId: user.id });
    } catch (error) {
      throw bankErrorFrom(error, { user_has_no_passkeys: 'passkey_required' });
    }
    const now = ctx.now();
    const pending = ctx.store.createPendingTransfer({
      userId: user.id,
      recipient: decision.recipient,
      amountCents: decision.amountCents,
      now,
      expiresAt: now + PENDING_TRANSFER_TTL_MS,
    });
    return { status: 'step_up' as const, pendingId: pending.id, transactionId };
  });

  app.post<{ Params: { id: string } }>('/api/transfers/:id/confirm', async (request) => {
    const user = requireUser(ctx, request);
    const nonce = stringField(request.body, 'nonce');
    // Taken out before the nonce is checked: one attempt per pending transfer, and two racing
    // confirmations cannot both pay.
    const pending = ctx.store.consumePendingTransfer(user.id, request.params.id, ctx.now());
    if (!pending) throw new BankError('step_up_expired');
    let externalId: string;
    try {
      externalId = await ctx.latchkey.verifyNonce(nonce);
    } catch (error) {
      throw bankErrorFrom(error, { invalid_nonce: 'step_up_failed' });
    }
    if (externalId !== user.id) throw new BankError('wrong_user');
    const transfer = ctx.store.transfer({
      userId: user.id,
      recipient: pending.recipient,
      amountCents: pending.amountCents,
      steppedUp: true,
      now: ctx.now(),
    });
    if (transfer === 'insufficient_funds') throw new BankError('insufficient_funds');
    return sent(transfer.id);
  });

  // The page gave up on the passkey (cancelled, failed): drop the held transfer now.
  app.post<{ Params: { id: string } }>('/api/transfers/:id/cancel', async (request) => {
    const user = requireUser(ctx, request);
    ctx.store.consumePendingTransfer(user.id, request.params.id, ctx.now());
    return { status: 'cancelled' as const };
  });
}
