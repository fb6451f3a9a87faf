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
