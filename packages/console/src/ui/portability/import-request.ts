/** Sending an import file to the admin API, as a dry run or for real. */
import { apiPath, apiUpload } from '../api.ts';
import type { ImportReport } from '../types.ts';
import { IMPORT_FORMAT_DETAILS, type ImportFormat } from './import-formats.ts';

/** The admin API path of an import of one format, as a dry run or for real. */
function importPath(appId: string, format: ImportFormat, dryRun: boolean): string {
  return apiPath(['apps', appId, 'import'], { format, dry_run: dryRun ? 'true' : undefined });
}

/**
 * Runs an import of a file (a dry run unless `dryRun` is false) and answers the report.
 *
 * @example
 * const report = await runImport({ appId, format: 'latchkey', file, dryRun: true });
 */
export async function runImport(options: {
  appId: string;
  format: ImportFormat;
  file: Blob;
  dryRun: boolean;
}): Promise<ImportReport> {
  const { appId, format, file, dryRun } = options;
  return apiUpload<ImportReport>(
    importPath(appId, format, dryRun),
    file,
    IMPORT_FORMAT_DETAILS[format].mediaType,
  );
}
