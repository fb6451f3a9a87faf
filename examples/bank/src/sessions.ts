/**
 * The bank's own sessions: a random id in an HttpOnly, SameSite=Lax cookie, stored server-side
 * only as a hash, so a copy of the database holds no usable session.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BankStore, User } from './bank-store.ts';

export const SESSION_COOKIE = 'bank_session';

/** How long a session lasts: a working day. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/**
 * Signs a user in: a fresh session id every time, so an id set before sign-in is never promoted
 * (session fixation).
 *
 * @example
 * startSession({ store, reply, userId: user.id, now: Date.now(), secure: false });
 */
export function startSession(options: {
  store: BankStore;
  reply: FastifyReply;
  userId: string;
  now: number;
  secure: boolean;
}): void {
  const id = randomBytes(32).toString('base64url');
  options.store.createSession({
    idHash: hashSessionId(id),
    userId: options.userId,
    now: options.now,
    expiresAt: options.now + SESSION_TTL_MS,
  });
  options.reply.setCookie(SESSION_COOKIE, id, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/**
 * The cookie that says "this session began with a password, just now": the one moment a browser
 * may make a passkey for the password it filled in without asking (an automatic passkey upgrade).
 * Sent only to the upgrade endpoint, which spends it.
 */
export const UPGRADE_COOKIE = 'bank_passkey_upgrade';
export const UPGRADE_PATH = '/api/passkeys/upgrade';

/**
 * Marks a password sign-in, so that the account page may ask for an automatic passkey upgrade.
 *
 * @example
 * offerPasskeyUpgrade(reply, false);
 */
export function offerPasskeyUpgrade(reply: FastifyReply, secure: boolean): void {
  reply.setCookie(UPGRADE_COOKIE, '1', {
    path: UPGRADE_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    maxAge: 300,
  });
}

/**
 * The signed-in user, or null.
 *
 * @example
 * const user = sessionUser(store, request, Date.now());
 */
export function sessionUser(store: BankStore, request: FastifyRequest, now: number): User | null {
  const id = request.cookies[SESSION_COOKIE];
  if (!id) return null;
  return store.findSessionUser(hashSessionId(id), now);
}

/**
 * Signs out: deletes the session row and clears the cookie.
 *
 * @example
 * endSession(store, request, reply);
 */
export function endSession(store: BankStore, request: FastifyRequest, reply: FastifyReply): void {
  const id = request.cookies[SESSION_COOKIE];
  if (id) store.deleteSession(hashSessionId(id));
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
