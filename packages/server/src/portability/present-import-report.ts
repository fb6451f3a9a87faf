/** An import report on the wire: the admin API's answer and `latchkey import --json`. */
import type { ImportProblem, ImportReport } from '@latchkey/core';

/** {@link ImportReport} in snake_case. */
export interface PresentedImportReport {
  dry_run: boolean;
  changed: boolean;
  entries: number;
  committed_through: number;
  users: { created: number; existing: number; skipped: number };
  passkeys: { imported: number; already_present: number; skipped: number };
  skipped_by_reason: Partial<Record<ImportProblem, number>>;
  skips: {
    at: number;
    external_id: string | null;
    credential_id: string | null;
    reason: ImportProblem;
    message: string;
  }[];
}

/**
 * The report in the admin API's snake_case.
 *
 * @example
 * reply.send(presentImportReport(report));
 */
export function presentImportReport(report: ImportReport): PresentedImportReport {
  return {
    dry_run: report.dryRun,
    changed: report.changed,
    entries: report.entries,
    committed_through: report.committedThrough,
    users: report.users,
    passkeys: {
      imported: report.passkeys.imported,
      already_present: report.passkeys.alreadyPresent,
      skipped: report.passkeys.skipped,
    },
    skipped_by_reason: report.skippedByReason,
    skips: report.skips.map((s) => ({
      at: s.at,
      external_id: s.externalId,
      credential_id: s.credentialId,
      reason: s.reason,
      message: s.message,
    })),
  };
}
