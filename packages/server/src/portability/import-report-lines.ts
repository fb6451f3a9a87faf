/** How an import's report and its skips read on a terminal. */
import type { ImportReport, ImportSkip } from '@latchkey/core';

/**
 * One skip as one line: where, who, which passkey, the reason code and its sentence.
 *
 * @example
 * skipLine(skip); // 'line 4  user "bob"  passkey AbC…  counter_invalid: counter must be …'
 */
export function skipLine(skip: ImportSkip): string {
  return [
    `at ${skip.at}`,
    skip.externalId === null ? 'user ?' : `user ${JSON.stringify(skip.externalId)}`,
    ...(skip.credentialId === null ? [] : [`passkey ${skip.credentialId}`]),
    `${skip.reason}: ${skip.message}`,
  ].join('  ');
}

/**
 * The summary of an import, a few lines, saying plainly when nothing changed.
 *
 * @example
 * process.stdout.write(`${reportLines(report).join('\n')}\n`);
 */
export function reportLines(report: ImportReport): string[] {
  const { users, passkeys } = report;
  const lines = [
    ...(report.dryRun ? ['dry run: nothing was written; a real run would do this:'] : []),
    `entries read: ${report.entries}`,
    `users:    ${users.created} created, ${users.existing} already present, ${users.skipped} skipped`,
    `passkeys: ${passkeys.imported} imported, ${passkeys.alreadyPresent} already present, ${passkeys.skipped} skipped`,
  ];
  const reasons = Object.entries(report.skippedByReason);
  if (reasons.length > 0) {
    lines.push(`skipped by reason: ${reasons.map(([r, n]) => `${r} ${n}`).join(', ')}`);
  }
  if (!report.changed) {
    lines.push(
      report.dryRun
        ? 'nothing would change: every user and passkey is present already or skipped'
        : 'nothing changed: every user and passkey is present already or skipped',
    );
  }
  return lines;
}
