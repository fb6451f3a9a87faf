/**
 * What the bank itself checks in a transfer request, before it asks latchkey anything: who the
 * money goes to, how much, and whether the balance covers it. Whether a passkey is needed is not
 * decided here: latchkey's rules for `high-value-transfer` decide that.
 */
import { MAX_TRANSFER_CENTS, parseAmount } from './money.ts';

/** A transfer request, refused or tidied. */
export type TransferCheck =
  | {
      kind: 'refuse';
      code:
        | 'missing_recipient'
        | 'missing_amount'
        | 'invalid_amount'
        | 'amount_too_large'
        | 'invalid_recipient'
        | 'insufficient_funds';
    }
  | { kind: 'valid'; recipient: string; amountCents: number };

/**
 * Checks a transfer request as typed by the customer.
 *
 * @example
 * checkTransfer({ recipient: ' ACME  Ltd ', amount: '7,500', balanceCents: 2_500_000 });
 * // { kind: 'valid', recipient: 'ACME Ltd', amountCents: 750000 }
 */
export function checkTransfer(input: {
  recipient: string;
  amount: string;
  balanceCents: number;
}): TransferCheck {
  const recipient = input.recipient.trim().replace(/\s+/g, ' ');
  // An empty field is named as missing, not as malformed: the customer only forgot to fill it.
  if (recipient === '') return { kind: 'refuse', code: 'missing_recipient' };
  if (input.amount.trim() === '') return { kind: 'refuse', code: 'missing_amount' };
  if (recipient.length < 2 || recipient.length > 80) {
    return { kind: 'refuse', code: 'invalid_recipient' };
  }
  const amountCents = parseAmount(input.amount);
  if (amountCents === null) return { kind: 'refuse', code: 'invalid_amount' };
  if (amountCents > MAX_TRANSFER_CENTS) return { kind: 'refuse', code: 'amount_too_large' };
  if (amountCents > input.balanceCents) return { kind: 'refuse', code: 'insufficient_funds' };
  return { kind: 'valid', recipient, amountCents };
}
