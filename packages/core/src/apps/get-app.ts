import { LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { AppRecord } from './app-port.ts';

/** The app with this id, or an `app_not_found` error. */
export async function getApp(runtime: Runtime, appId: string): Promise<AppRecord> {
  const app = await runtime.store.apps.findById(appId);
  if (!app) throw new LatchkeyError('app_not_found', 'app not found');
  return app;
}
