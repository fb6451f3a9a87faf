/** The app's export in latchkey's format, downloaded with the operator's session. */
import { apiPath, apiText } from '../api.ts';
import { saveAsFile } from '../download.ts';

/**
 * The file name an app's export is saved as.
 *
 * @example
 * exportFileName('a1'); // 'a1-passkeys.ndjson'
 */
export function exportFileName(appId: string): string {
  return `${appId}-passkeys.ndjson`;
}

/**
 * Fetches the app's export (`GET /apps/{id}/export`) and saves it as a file. Held in memory
 * whole, which suits the console; an app of many users is exported with `latchkey export`.
 *
 * @example
 * await downloadExport('a1');
 */
export async function downloadExport(appId: string): Promise<void> {
  const text = await apiText(apiPath(['apps', appId, 'export']));
  saveAsFile(text, exportFileName(appId), 'application/x-ndjson');
}
