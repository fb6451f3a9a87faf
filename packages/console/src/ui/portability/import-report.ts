/** An import report in words, for the console's report view. */
import type { ImportReport } from '../types.ts';

/** "1 passkey", "2 passkeys". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * One sentence of what an import did, or with a dry run would do.
 *
 * @example
 * reportHeadline(report); // 'Dry run: would import 2 passkeys of 2 new users; 1 left out. Nothing was written.'
 */
export function reportHeadline(report: ImportReport): string {
  const { users, passkeys } = report;
  const left = users.skipped + passkeys.skipped;
  const tail = [
    passkeys.already_present > 0 ? `${passkeys.already_present} present already` : '',
    left > 0 ? `${left} left out` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const what = `${count(passkeys.imported, 'passkey')} of ${count(users.created, 'new user')}`;
  if (report.dry_run) {
    return `Dry run: would import ${what}${tail ? `; ${tail}` : ''}. Nothing was written.`;
  }
  if (!report.changed) {
    return `Nothing changed: every user and passkey in the file is present already or was left out${left > 0 ? ` (${left} left out)` : ''}.`;
  }
  return `Imported ${what}${tail ? `; ${tail}` : ''}.`;
}

/**
 * How many skips the report counts but does not list (it lists the first 100).
 *
 * @example
 * unlistedSkips(report); // 0
 */
export function unlistedSkips(report: ImportReport): number {
  return Math.max(0, report.users.skipped + report.passkeys.skipped - report.skips.length);
}
