/**
 * The unit a rule variable is counted in, so the builder and the dry run can say "cents" and
 * show 750000 as 7,500.00. Built-in variables have fixed units; a custom attribute gets one by
 * the convention the bank example follows: `amount`, and names ending in `Cents` or `_cents`,
 * hold an amount in cents (the currency's hundredths).
 */
export interface Unit {
  /** The unit's name, shown after the value. */
  name: string;
  /** The value read in that unit ("= 7,500.00"), or null when it is not a number. */
  read(value: string): string | null;
}

const amount = new Intl.NumberFormat(undefined, {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

function numberOf(value: string): number | null {
  const n = Number(value.trim());
  return value.trim() !== '' && Number.isFinite(n) ? n : null;
}

const CENTS: Unit = {
  name: 'cents',
  read: (value) => {
    const n = numberOf(value);
    return n === null ? null : `= ${amount.format(n / 100)}`;
  },
};

const SECONDS: Unit = {
  name: 'seconds',
  read: (value) => {
    const n = numberOf(value);
    if (n === null) return null;
    if (n >= 86_400) return `= ${(n / 86_400).toFixed(1).replace(/\.0$/, '')} days`;
    if (n >= 3600) return `= ${(n / 3600).toFixed(1).replace(/\.0$/, '')} hours`;
    if (n >= 60) return `= ${(n / 60).toFixed(1).replace(/\.0$/, '')} minutes`;
    return null;
  },
};

const COUNT: Unit = { name: 'passkeys', read: () => null };

/**
 * The unit of a rule variable, or null when it has none (text, booleans, unknown custom names).
 *
 * @example
 * unitOf('custom.amount')?.read('750000'); // "= 7,500.00"
 */
export function unitOf(path: string): Unit | null {
  if (path === 'secondsSinceLastVerified') return SECONDS;
  if (path === 'passkeyCount') return COUNT;
  if (!path.startsWith('custom.')) return null;
  const name = path.slice('custom.'.length);
  if (name === 'amount' || name.endsWith('Cents') || name.endsWith('_cents')) return CENTS;
  return null;
}
