/**
 * The step-up's last check: does latchkey's answer to `validateChallenge` approve exactly the
 * transfer the bank is about to make? `isValid` alone says that *a* passkey check succeeded; the
 * bank acts only when it was the signed-in customer's, for a `high-value-transfer`, for this
 * transfer's id, with the same amount, recipient and new-recipient flag the bank tracked.
 */
import type { ValidateChallengeResponse } from '@authsignal/node';
import type { BankErrorCode } from './bank-errors.ts';

/** The action code the bank tracks every transfer as. */
export const TRANSFER_ACTION = 'high-value-transfer';

/** What the bank tracks about a transfer. */
export interface TransferDetails {
  /** The transfer's id: latchkey's idempotency key for its action. */
  id: string;
  recipient: string;
  amountCents: number;
  isNewRecipient: boolean;
}

/** The custom attributes the bank tracks; amounts in cents, as the rules file expects. */
export interface TransferAttributes {
  amount: number;
  recipient: string;
  isNewRecipient: boolean;
}

/**
 * The custom attributes of a transfer's action.
 *
 * @example
 * transferAttributes({ id, recipient: 'ACME Ltd', amountCents: 750_000, isNewRecipient: true });
 * // { amount: 750000, recipient: 'ACME Ltd', isNewRecipient: true }
 */
export function transferAttributes(transfer: TransferDetails): TransferAttributes {
  return {
    amount: transfer.amountCents,
    recipient: transfer.recipient,
    isNewRecipient: transfer.isNewRecipient,
  };
}

/**
 * The amount over which the bank's rules (`rules/high-value-transfer.json`) ask for the passkey,
 * in cents. The bank words the approval dialog's reason with it; latchkey's rules still decide.
 */
export const LARGE_TRANSFER_CENTS = 500_000;

/**
 * Why the passkey is asked for a transfer the rules challenged, in the customer's words: the
 * bank's two rules are a large amount and a first transfer to someone. A rule edited in the
 * console to challenge something else gets the general sentence.
 *
 * @example
 * approvalReason({ id, recipient: 'ACME Ltd', amountCents: 750_000, isNewRecipient: false });
 * // 'Transfers over $5,000.00 need your passkey.'
 */
export function approvalReason(transfer: TransferDetails): string {
  const large = transfer.amountCents > LARGE_TRANSFER_CENTS;
  if (large && transfer.isNewRecipient) {
    return `This is over $5,000.00 and your first transfer to ${transfer.recipient}, so it needs your passkey.`;
  }
  if (large) return 'Transfers over $5,000.00 need your passkey.';
  if (transfer.isNewRecipient) {
    return `This is your first transfer to ${transfer.recipient}, so it needs your passkey.`;
  }
  return 'The bank’s rules ask for your passkey for this transfer.';
}

/** `validateChallenge`'s answer: latchkey adds the tracked `custom` attributes to the SDK's type. */
export type Validation = ValidateChallengeResponse & { custom?: unknown };

function sameAttributes(custom: unknown, expected: TransferAttributes): boolean {
  if (typeof custom !== 'object' || custom === null || Array.isArray(custom)) return false;
  const given = custom as Record<string, unknown>;
  const keys = Object.keys(expected) as (keyof TransferAttributes)[];
  if (Object.keys(given).length !== keys.length) return false;
  return keys.every((key) => Object.hasOwn(given, key) && given[key] === expected[key]);
}

/**
 * Why a validation does not approve this transfer, or null when it does.
 *
 * @example
 * const refusal = approvalRefusal(await authsignal.validateChallenge({ token }), { userId, transfer });
 * if (refusal) throw new BankError(refusal);
 */
export function approvalRefusal(
  validation: Validation,
  expected: { userId: string; transfer: TransferDetails },
): BankErrorCode | null {
  if (!validation.isValid) {
    switch (validation.error) {
      case 'user_mismatch':
        return 'wrong_user';
      case 'action_mismatch':
        return 'step_up_mismatch';
      case 'already_validated':
        return 'step_up_used';
      case 'expired_token':
        return 'step_up_expired';
      default:
        return 'step_up_failed';
    }
  }
  if (validation.state !== 'CHALLENGE_SUCCEEDED') return 'step_up_failed';
  if (validation.userId !== expected.userId) return 'wrong_user';
  if (validation.action !== TRANSFER_ACTION) return 'step_up_mismatch';
  if (validation.idempotencyKey !== expected.transfer.id) return 'step_up_mismatch';
  if (!sameAttributes(validation.custom, transferAttributes(expected.transfer))) {
    return 'step_up_mismatch';
  }
  return null;
}
