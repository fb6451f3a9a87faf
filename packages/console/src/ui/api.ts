/**
 * The admin API as the console calls it. The operator token is exchanged for a console session at
 * sign-in; only the session (short-lived, revocable) is kept, in sessionStorage, so it ends with
 * the tab and is never written to disk.
 */

import { ApiError } from './api-error.ts';

export { ApiError } from './api-error.ts';

const STORAGE_KEY = 'latchkey.console.session';

export interface Operator {
  token_id: string;
  name: string;
  via: string;
  session_expires_at: string | null;
}

export interface Session {
  session: string;
  expires_at: string;
  operator: Operator;
}

let signedOut: (reason: string) => void = () => {};

/** What to do when the server says the session is over. */
export function onSignedOut(handler: (reason: string) => void): void {
  signedOut = handler;
}

export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as Session;
    return Date.parse(session.expires_at) > Date.now() ? session : null;
  } catch {
    return null;
  }
}

function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** A request body as sent: its bytes and its media type. */
interface Payload {
  body: BodyInit;
  type: string;
}

async function request(method: string, path: string, payload?: Payload): Promise<Response> {
  const session = loadSession();
  const headers: Record<string, string> = {};
  if (session) headers.authorization = `Bearer ${session.session}`;
  if (payload) headers['content-type'] = payload.type;
  const response = await fetch(`/admin/v1${path}`, {
    method,
    headers,
    ...(payload ? { body: payload.body } : {}),
  });
  if (response.ok) return response;
  let code = 'error';
  let message = `${response.status} ${response.statusText}`;
  try {
    const json = (await response.json()) as { error?: { code: string; message: string } };
    if (json.error) ({ code, message } = json.error);
  } catch {
    // Not JSON: keep the status line.
  }
  if (response.status === 401 && path !== '/session') {
    saveSession(null);
    signedOut('Your session has ended. Sign in again.');
  }
  throw new ApiError(response.status, code, message);
}

/** Calls the admin API and returns its JSON (undefined for 204). */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const json =
    body === undefined ? undefined : { body: JSON.stringify(body), type: 'application/json' };
  const response = await request(method, path, json);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/**
 * POSTs a file to the admin API as it is, with its media type, and returns the JSON answer (an
 * import takes the file itself as its body, not JSON around it).
 *
 * @example
 * await apiUpload<ImportReport>('/apps/a1/import?format=latchkey', file, 'application/x-ndjson');
 */
export async function apiUpload<T>(path: string, file: Blob, type: string): Promise<T> {
  return (await (await request('POST', path, { body: file, type })).json()) as T;
}

/** Calls the admin API and returns the body as text (the JSON-lines export). */
export async function apiText(path: string): Promise<string> {
  return (await request('GET', path)).text();
}

export async function signIn(token: string): Promise<Session> {
  const session = await api<Session>('POST', '/session', { token });
  saveSession(session);
  return session;
}

export async function signOut(): Promise<void> {
  try {
    await api('DELETE', '/session');
  } finally {
    saveSession(null);
  }
}

export { apiPath, query } from './paths.ts';
