/**
 * Money in whole cents, as integers: no floating point ever touches a balance.
 */

/** What a new account starts with, so the demo has money to move ($25,000.00). */
export const OPENING_BALANCE_CENTS = 2_500_000;

/** The largest single transfer the form accepts ($1,000,000.00). */
export const MAX_TRANSFER_CENTS = 100_000_000;

const AMOUNT = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses an amount typed by a person ("50", "$7,500", "1234.5") into cents, or null when it is not
 * a positive amount with at most two decimals.
 *
 * @example
 * parseAmount('$7,500.00'); // 750000
 * parseAmount('-3'); // null
 */
export function parseAmount(input: string): number | null {
  const match = AMOUNT.exec(input.trim());
  if (!match) return null;
  const dollars = Number(match[1]!.replaceAll(',', ''));
  const cents = Number((match[2] ?? '').padEnd(2, '0'));
  const total = dollars * 100 + cents;
  if (!Number.isSafeInteger(total) || total <= 0) return null;
  return total;
}

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/**
 * Formats cents as US dollars.
 *
 * @example
 * formatCents(750000); // '$7,500.00'
 */
export function formatCents(cents: number): string {
  return dollars.format(cents / 100);
}
