/**
 * Exports an app's users and passkeys in latchkey's format (`latchkey-format.ts`), a page of
 * users at a time, so that an export of millions of users holds one page in memory.
 */
import { getApp } from '../apps/get-app.ts';
import { type RequestContext, recordEvent } from '../audit/record-event.ts';
import type { Runtime } from '../runtime.ts';
import {
  type ExportedUser,
  type ExportHeader,
  exportedUser,
  exportHeader,
} from './latchkey-format.ts';

/** Options for {@link exportPasskeys}. */
export interface ExportPasskeysOptions {
  appId: string;
  /** Users read per query. Default 500. */
  pageSize?: number;
}

/**
 * Yields the header, then one line per user in a stable order. The app is looked up before the
 * first line (throwing `app_not_found`). The export is audited as it starts, so one that a reader
 * abandons halfway is on record too.
 *
 * @example
 * for await (const line of exportPasskeys(runtime, { appId })) out.write(`${JSON.stringify(line)}\n`);
 */
export async function* exportPasskeys(
  runtime: Runtime,
  options: ExportPasskeysOptions,
  context?: RequestContext,
): AsyncGenerator<ExportHeader | ExportedUser> {
  const app = await getApp(runtime, options.appId);
  const pageSize = Math.max(1, options.pageSize ?? 500);
  await recordEvent(runtime, context, { type: 'passkeys.exported', appId: app.id });
  yield exportHeader(app, runtime.now());
  let after: string | null = null;
  for (;;) {
    const page = await runtime.store.portability.exportPage(app.id, after, pageSize);
    for (const row of page) yield exportedUser(row.user, row.credentials);
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.user.externalId;
  }
}
