/**
 * The bank's transfer rules, as one pure decision: refuse, send at once, or ask for a passkey.
 */
import { MAX_TRANSFER_CENTS, parseAmount, STEP_UP_THRESHOLD_CENTS } from './money.ts';

/** What to do with a transfer request. */
export type TransferDecision =
  | {
      kind: 'refuse';
      code: 'invalid_amount' | 'amount_too_large' | 'invalid_recipient' | 'insufficient_funds';
    }
  | { kind: 'send' | 'step_up'; recipient: string; amountCents: number };

/**
 * Decides a transfer: amounts up to $5,000.00 are sent at once, larger ones need a step-up.
 *
 * @example
 * decideTransfer({ recipient: 'Ada', amount: '7,500', balanceCents: 2_500_000 }).kind; // 'step_up'
 */
export function decideTransfer(input: {
  recipient: string;
  amount: string;
  balanceCents: number;
}): TransferDecision {
  const recipient = input.recipient.trim().replace(/\s+/g, ' ');
  if (recipient.length < 2 || recipient.length > 80) {
    return { kind: 'refuse', code: 'invalid_recipient' };
  }
  const amountCents = parseAmount(input.amount);
  if (amountCents === null) return { kind: 'refuse', code: 'invalid_amount' };
  if (amountCents > MAX_TRANSFER_CENTS) return { kind: 'refuse', code: 'amount_too_large' };
  if (amountCents > input.balanceCents) return { kind: 'refuse', code: 'insufficient_funds' };
  const kind = amountCents > STEP_UP_THRESHOLD_CENTS ? 'step_up' : 'send';
  return { kind, recipient, amountCents };
}
