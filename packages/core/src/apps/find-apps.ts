import type { AppRecord } from '../ports.ts';
import type { Runtime } from '../runtime.ts';
import { ceremonyOrigins } from './ceremony-origins.ts';

/** App ids are UUIDs; anything longer is no app and never reaches the database. */
const MAX_APP_ID_LENGTH = 64;

/**
 * The app with this id, or null: for callers that must not fail on an unknown app (a CORS hook
 * answers the request either way; the route itself refuses it). See `getApp` for the throwing twin.
 */
export async function findApp(runtime: Runtime, appId: string): Promise<AppRecord | null> {
  if (appId.length === 0 || appId.length > MAX_APP_ID_LENGTH) return null;
  return runtime.store.apps.findById(appId);
}

/** Every app, oldest first. */
export async function listApps(runtime: Runtime): Promise<AppRecord[]> {
  return runtime.store.apps.list();
}

/** Whether any app accepts this exact origin, as its own or as a related origin. */
export async function anyAppHasOrigin(runtime: Runtime, origin: string): Promise<boolean> {
  return (await runtime.store.apps.list()).some((a) => ceremonyOrigins(a).includes(origin));
}
