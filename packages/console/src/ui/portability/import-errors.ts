/**
 * What to tell the operator when an import does not go through: a file over the body limit
 * (checked before it is sent), a refusal in the admin API's error shape, or no answer at all.
 */
import { ApiError } from '../api-error.ts';
import { explainFailure } from '../audit/failure-help.ts';

/** The largest body the admin API's import takes (16 MiB); larger files go through the CLI. */
export const IMPORT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

const CLI_ADVICE =
  'Import larger files with latchkey import on a machine that reaches the database (docs/portability.md).';

/**
 * Why a file cannot be sent, or null when it can. Checked before sending, so a file the server
 * would refuse with 413 is not uploaded first.
 *
 * @example
 * importFileProblem(file); // null
 */
export function importFileProblem(file: { size: number }): string | null {
  if (file.size === 0) return 'The file is empty.';
  if (file.size <= IMPORT_BODY_LIMIT_BYTES) return null;
  const mib = (file.size / 1024 / 1024).toFixed(1);
  return `The file is ${mib} MiB; the console imports up to 16 MiB. ${CLI_ADVICE}`;
}

/**
 * What went wrong with an import, for the operator: the server's code explained, or that no
 * answer came. A request that got no answer may have been imported in part, which running it
 * again settles.
 *
 * @example
 * importErrorText(new ApiError(413, 'payload_too_large', 'request body is too large'));
 */
export function importErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    const advice = error.status === 413 ? ` ${CLI_ADVICE}` : '';
    return `The server refused the file (${error.status}): ${error.message}. That is: ${explainFailure(error.code)}.${advice}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  // fetch rejects with a TypeError only when no answer came (network, CORS, a dropped connection).
  if (!(error instanceof TypeError)) return `The import failed: ${message}`;
  return `No answer from the server (${message}). The import may have run in part or not at all; running it again is safe, as what is present already is left as it is.`;
}
