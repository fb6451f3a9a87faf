/**
 * Transfers, tracked in latchkey as `high-value-transfer` actions, whose rules decide: send at
 * once (ALLOW), hold for the customer's passkey (CHALLENGE_REQUIRED), hold for a review
 * (REVIEW_REQUIRED), or refuse (BLOCK).
 *
 * A step-up: the bank holds the transfer under its own id (the action's idempotency key) and hands
 * the page latchkey's token; the page runs `passkey.signIn({ token })` and posts back the token it
 * gets; the bank takes the held transfer out of its table, validates the token, compares what
 * latchkey says was approved with the held transfer, and only then moves the money. The amount and
 * recipient come from the held transfer, never from the page's second request.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bankErrorFromAuthsignal } from '../authsignal-errors.ts';
import type { BankContext } from '../bank-context.ts';
import { BankError } from '../bank-errors.ts';
import type { HeldTransfer } from '../bank-store.ts';
import { checkTransfer } from '../check-transfer.ts';
import { formatCents } from '../money.ts';
import {
  approvalReason,
  approvalRefusal,
  TRANSFER_ACTION,
  type TransferDetails,
  transferAttributes,
  type Validation,
} from '../transfer-approval.ts';
import { formField, requireUser, stringField } from './require-user.ts';

/** How long a transfer waits for its passkey: as long as latchkey's token lives. */
export const STEP_UP_HOLD_MS = 10 * 60 * 1000;

function sent(transferId: string) {
  return {
    status: 'sent' as const,
    transferId,
    redirect: `/account?notice=sent&transfer=${encodeURIComponent(transferId)}`,
  };
}

function moveMoney(
  ctx: BankContext,
  userId: string,
  transfer: TransferDetails,
  steppedUp: boolean,
) {
  const moved = ctx.store.transfer({
    id: transfer.id,
    userId,
    recipient: transfer.recipient,
    amountCents: transfer.amountCents,
    steppedUp,
    now: ctx.now(),
  });
  if (moved === 'insufficient_funds') throw new BankError('insufficient_funds');
  return sent(moved.id);
}

function hold(
  ctx: BankContext,
  userId: string,
  transfer: TransferDetails,
  reason: HeldTransfer['reason'],
): HeldTransfer {
  const now = ctx.now();
  return ctx.store.holdTransfer({
    ...transfer,
    userId,
    reason,
    now,
    expiresAt: reason === 'step_up' ? now + STEP_UP_HOLD_MS : null,
  });
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
    const check = checkTransfer({
      recipient: formField(request.body, 'recipient'),
      amount: formField(request.body, 'amount'),
      balanceCents: user.balanceCents,
    });
    if (check.kind === 'refuse') throw new BankError(check.code);
    const transfer: TransferDetails = {
      id: randomUUID(),
      recipient: check.recipient,
      amountCents: check.amountCents,
      isNewRecipient: !ctx.store.hasPaid(user.id, check.recipient),
    };
    let tracked: Awaited<ReturnType<typeof ctx.authsignal.track>>;
    try {
      tracked = await ctx.authsignal.track({
        userId: user.id,
        action: TRANSFER_ACTION,
        attributes: { idempotencyKey: transfer.id, custom: { ...transferAttributes(transfer) } },
      });
    } catch (error) {
      throw bankErrorFromAuthsignal(error);
    }
    switch (tracked.state) {
      case 'ALLOW':
        return moveMoney(ctx, user.id, transfer, false);
      case 'BLOCK':
        throw new BankError('transfer_blocked');
      case 'REVIEW_REQUIRED': {
        hold(ctx, user.id, transfer, 'review');
        return {
          status: 'review' as const,
          transferId: transfer.id,
          redirect: `/account?notice=review&transfer=${encodeURIComponent(transfer.id)}`,
        };
      }
      case 'CHALLENGE_REQUIRED': {
        // latchkey would refuse every passkey of a customer who has none: say what to do instead.
        if (!tracked.isEnrolled) throw new BankError('passkey_required');
        hold(ctx, user.id, transfer, 'step_up');
        return {
          status: 'step_up' as const,
          transferId: transfer.id,
          token: tracked.token,
          approval: {
            amount: formatCents(transfer.amountCents),
            recipient: transfer.recipient,
            reason: approvalReason(transfer),
          },
        };
      }
      default:
        throw new Error(`latchkey tracked a transfer as ${tracked.state}`);
    }
  });

  app.post<{ Params: { id: string } }>('/api/transfers/:id/confirm', async (request) => {
    const user = requireUser(ctx, request);
    const token = stringField(request.body, 'token');
    // Taken out before the token is checked: one attempt per held transfer, and two racing
    // confirmations cannot both pay.
    const held = ctx.store.takeStepUpHold(user.id, request.params.id, ctx.now());
    if (!held) throw new BankError('step_up_expired');
    let validation: Validation;
    try {
      // With userId and action, latchkey refuses another customer's token without spending it.
      validation = await ctx.authsignal.validateChallenge({
        token,
        userId: user.id,
        action: TRANSFER_ACTION,
      });
    } catch (error) {
      // A token latchkey cannot even parse was not issued by it.
      throw bankErrorFromAuthsignal(error, { invalid_request: 'step_up_failed' });
    }
    const refusal = approvalRefusal(validation, { userId: user.id, transfer: held });
    if (refusal) throw new BankError(refusal);
    return moveMoney(ctx, user.id, held, true);
  });

  // The page gave up on the passkey (cancelled, failed): drop the held transfer now.
  app.post<{ Params: { id: string } }>('/api/transfers/:id/cancel', async (request) => {
    const user = requireUser(ctx, request);
    ctx.store.takeStepUpHold(user.id, request.params.id, ctx.now());
    return { status: 'cancelled' as const };
  });
}
