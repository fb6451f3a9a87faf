/**
 * Imports users and passkeys into one app from raw entries of any format: each entry is checked
 * (`check-entry.ts`), then entries are written in batches, each batch in one transaction. A batch
 * is all or nothing, and what is present already is left as it is and reported so, which makes an
 * import both idempotent and resumable: after an interruption, running the same import again
 * finds the committed batches present and carries on from the first one that is not.
 */
import { getApp } from '../apps/get-app.ts';
import { type RequestContext, recordEvent } from '../audit/record-event.ts';
import type { Runtime } from '../runtime.ts';
import { checkEntry } from './check-entry.ts';
import type { RawEntry, UnreadableEntry } from './import-entry.ts';
import type { ImportProblem } from './import-problems.ts';
import type { ImportBatchItem, ImportCredentialOutcome } from './portability-port.ts';

/** One user or passkey left out, and why. */
export interface ImportSkip {
  /** The entry's position in its file (line or list position). */
  at: number;
  externalId: string | null;
  /** Null when the whole user was left out. */
  credentialId: string | null;
  reason: ImportProblem;
  message: string;
}

/** What an import did (or, with `dryRun`, would do). */
export interface ImportReport {
  dryRun: boolean;
  /** Entries read (users, including those left out). */
  entries: number;
  users: { created: number; existing: number; skipped: number };
  passkeys: { imported: number; alreadyPresent: number; skipped: number };
  /** How many users and passkeys each reason left out. */
  skippedByReason: Partial<Record<ImportProblem, number>>;
  /** The first {@link REPORTED_SKIPS} skips; all of them go to `onSkip`. */
  skips: ImportSkip[];
  /** The position of the last entry whose batch is committed (0 before the first). */
  committedThrough: number;
  /** False when the import wrote nothing at all (every user and passkey was present or skipped). */
  changed: boolean;
}

/** How many skips a report lists; `onSkip` hears every one. */
export const REPORTED_SKIPS = 100;
/** Users written per transaction unless told otherwise. */
export const DEFAULT_IMPORT_BATCH = 500;

/** Options for {@link importPasskeys}. */
export interface ImportPasskeysOptions {
  appId: string;
  entries: AsyncIterable<RawEntry | UnreadableEntry> | Iterable<RawEntry | UnreadableEntry>;
  /** Check and count everything, then roll every batch back. Default false. */
  dryRun?: boolean;
  /** Users per transaction. Default {@link DEFAULT_IMPORT_BATCH}. */
  batchSize?: number;
  /** Hears every skip as it is found. */
  onSkip?: (skip: ImportSkip) => void;
  /** Hears the report after each committed batch. */
  onBatch?: (report: ImportReport) => void;
}

const CREDENTIAL_REASONS: Partial<Record<ImportCredentialOutcome, ImportProblem>> = {
  taken: 'credential_id_taken',
  other_app: 'credential_in_other_app',
};

const CREDENTIAL_MESSAGES: Partial<Record<ImportCredentialOutcome, string>> = {
  taken: 'this app has the credential id for another user or with another public key',
  other_app: 'another app has this credential id; a passkey is not copied across apps',
};

/**
 * Imports raw entries into an app and reports what was imported, what was present already and
 * what was left out, and why. Throws `app_not_found` for an unknown app; an entry that fails a
 * check is reported, never thrown.
 *
 * @example
 * const report = await importPasskeys(runtime, { appId, entries: readLatchkeyExport(lines) });
 */
export async function importPasskeys(
  runtime: Runtime,
  options: ImportPasskeysOptions,
  context?: RequestContext,
): Promise<ImportReport> {
  const app = await getApp(runtime, options.appId);
  const dryRun = options.dryRun ?? false;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_IMPORT_BATCH);
  const report: ImportReport = {
    dryRun,
    entries: 0,
    users: { created: 0, existing: 0, skipped: 0 },
    passkeys: { imported: 0, alreadyPresent: 0, skipped: 0 },
    skippedByReason: {},
    skips: [],
    committedThrough: 0,
    changed: false,
  };
  const skip = (s: ImportSkip, passkeys: number): void => {
    report.skippedByReason[s.reason] = (report.skippedByReason[s.reason] ?? 0) + 1;
    if (s.credentialId === null) report.users.skipped += 1;
    report.passkeys.skipped += passkeys;
    if (report.skips.length < REPORTED_SKIPS) report.skips.push(s);
    options.onSkip?.(s);
  };

  let batch: { at: number; item: ImportBatchItem }[] = [];
  let lastAt = 0;
  const flush = async (): Promise<void> => {
    if (batch.length > 0) {
      const outcomes = await runtime.store.portability.importBatch(
        app.id,
        batch.map((b) => b.item),
        { dryRun },
      );
      outcomes.forEach((outcome, i) => {
        const { at, item } = batch[i]!;
        const externalId = item.user.externalId;
        if (outcome.user === 'handle_taken') {
          skip(
            {
              at,
              externalId,
              credentialId: null,
              reason: 'user_handle_taken',
              message: 'another user of this app has this WebAuthn user handle',
            },
            item.credentials.length,
          );
          return;
        }
        report.users[outcome.user] += 1;
        outcome.credentials.forEach((result, j) => {
          if (result === 'imported') report.passkeys.imported += 1;
          else if (result === 'already_present') report.passkeys.alreadyPresent += 1;
          const reason = CREDENTIAL_REASONS[result];
          if (reason) {
            skip(
              {
                at,
                externalId,
                credentialId: item.credentials[j]!.credentialId,
                reason,
                message: CREDENTIAL_MESSAGES[result]!,
              },
              1,
            );
          }
        });
      });
      batch = [];
    }
    report.committedThrough = lastAt;
    report.changed = report.users.created + report.passkeys.imported > 0;
    options.onBatch?.(report);
  };

  for await (const raw of options.entries) {
    report.entries += 1;
    lastAt = raw.at;
    if ('unreadable' in raw) {
      skip(
        {
          at: raw.at,
          externalId: null,
          credentialId: null,
          reason: 'malformed_entry',
          message: raw.unreadable,
        },
        0,
      );
      continue;
    }
    const checked = checkEntry(runtime, app, raw);
    const externalId = typeof raw.externalId === 'string' ? raw.externalId : null;
    if ('problem' in checked) {
      const passkeys = Array.isArray(raw.passkeys) ? raw.passkeys.length : 0;
      skip(
        {
          at: raw.at,
          externalId,
          credentialId: null,
          reason: checked.problem,
          message: checked.message,
        },
        passkeys,
      );
      continue;
    }
    for (const refused of checked.refused) {
      skip(
        {
          at: raw.at,
          externalId,
          credentialId: refused.credentialId,
          reason: refused.problem,
          message: refused.message,
        },
        1,
      );
    }
    batch.push({ at: raw.at, item: { user: checked.user, credentials: checked.credentials } });
    if (batch.length >= batchSize) await flush();
  }
  await flush();

  if (!dryRun && report.changed) {
    await recordEvent(runtime, context, {
      type: 'passkeys.imported',
      appId: app.id,
      data: {
        usersCreated: report.users.created,
        passkeysImported: report.passkeys.imported,
        skipped: report.users.skipped + report.passkeys.skipped,
      },
    });
  }
  return report;
}
