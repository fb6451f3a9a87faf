/**
 * The HTML pages and their plain forms: sign up, sign in with a password, sign out, the account
 * page, and removing a passkey.
 */
import { PassageError } from '@latchkey/node';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BankContext } from '../bank-context.ts';
import type { User } from '../bank-store.ts';
import { formatCents, OPENING_BALANCE_CENTS } from '../money.ts';
import { hashPassword, verifyPassword } from '../passwords.ts';
import {
  endSession,
  offerPasskeyUpgrade,
  SESSION_COOKIE,
  sessionUser,
  startSession,
} from '../sessions.ts';
import { accountPage, type PasskeyList, type PasskeyRow } from '../views/account-page.ts';
import { signInPage, signUpPage } from '../views/auth-pages.ts';
import type { Html } from '../views/html.ts';

/** Messages the account page shows after a redirect, by the `notice` query value. */
const ACCOUNT_NOTICES = {
  welcome: 'Your account is open. Add a passkey below to sign in without a password next time.',
  passkey_added: 'Passkey added. Next time, sign in with it instead of your password.',
  passkey_removed: 'Passkey removed. It can no longer be used to sign in to your account.',
  passkey_upgraded:
    'Your browser saved a passkey for your password. Next time, sign in with it instead.',
  recovered:
    'Your account is yours again. Your new passkey is now your only one: the old ones no longer sign in, and every other session was signed out.',
} as const;

/** Errors the account page shows after a redirect, by the `error` query value. */
const ACCOUNT_ERRORS = {
  passkey_not_found: 'That passkey was already removed.',
  last_passkey: 'This is your last passkey, and this bank does not allow removing it.',
  latchkey_unavailable: 'The passkey service is not reachable right now. Try again in a moment.',
} as const;

const SIGN_IN_NOTICES = {
  signed_out: 'You are signed out.',
  session_ended: 'Your session has ended — sign in again.',
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function pick<T extends Record<string, string>>(table: T, key: unknown): string | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key as keyof T] : undefined;
}

// Where a page that needs a session sends a visitor without one: one whose cookie names a session
// that expired or was ended is told so, rather than shown a bare sign-in form.
function signInAgain(request: FastifyRequest): string {
  return request.cookies[SESSION_COOKIE] ? '/sign-in?notice=session_ended' : '/sign-in';
}

function send(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.value);
}

/** A date latchkey sends before it happened (`0001-01-01`) means "never". */
function happened(date: Date): Date | null {
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1000 ? null : date;
}

async function listPasskeys(ctx: BankContext, user: User): Promise<PasskeyList> {
  try {
    const devices = await ctx.latchkey.getDevices(user.id);
    const rows: PasskeyRow[] = devices.map((d) => ({
      id: d.id,
      name: d.friendlyName,
      type: d.type,
      iconLight: d.icons.light,
      iconDark: d.icons.dark,
      createdAt: new Date(d.createdAt),
      lastUsedAt: happened(new Date(d.lastLoginAt)),
      usageCount: d.usageCount,
    }));
    return { ok: true, rows };
  } catch (error) {
    // latchkey learns of a user at their first register transaction: before that, none.
    if (error instanceof PassageError && error.errorCode === 'user_not_found') {
      return { ok: true, rows: [] };
    }
    return { ok: false, message: ACCOUNT_ERRORS.latchkey_unavailable };
  }
}

function formString(body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value : '';
}

/**
 * Registers the page routes.
 *
 * @example
 * pageRoutes(app, ctx);
 */
export function pageRoutes(app: FastifyInstance, ctx: BankContext): void {
  app.get('/', async (request, reply) =>
    reply.redirect(sessionUser(ctx.store, request, ctx.now()) ? '/account' : '/sign-in'),
  );

  app.get('/sign-up', async (_request, reply) =>
    send(reply, signUpPage({ passkeys: ctx.passkeys })),
  );

  app.post('/sign-up', async (request, reply) => {
    const email = formString(request.body, 'email').trim().toLowerCase();
    const password = formString(request.body, 'password');
    const again = (error: string) =>
      send(reply, signUpPage({ passkeys: ctx.passkeys, email, error }), 400);
    if (email.length > 254 || !EMAIL.test(email)) return again('Enter a valid email address.');
    if (password.length < 8) return again('Choose a password of at least 8 characters.');
    if (password.length > 200) return again('Choose a password of at most 200 characters.');
    const user = ctx.store.createUser({
      email,
      password: await hashPassword(password),
      balanceCents: OPENING_BALANCE_CENTS,
      now: ctx.now(),
    });
    if (!user) return again('An account with this email already exists. Sign in instead.');
    startSession({
      store: ctx.store,
      reply,
      userId: user.id,
      now: ctx.now(),
      secure: ctx.secureCookies,
    });
    return reply.redirect('/account?notice=welcome', 303);
  });

  app.get('/sign-in', async (request, reply) => {
    if (sessionUser(ctx.store, request, ctx.now())) return reply.redirect('/account');
    const notice = pick(SIGN_IN_NOTICES, (request.query as Record<string, unknown>).notice);
    return send(reply, signInPage({ passkeys: ctx.passkeys, ...(notice ? { notice } : {}) }));
  });

  app.post('/sign-in', async (request, reply) => {
    const email = formString(request.body, 'email').trim().toLowerCase();
    const password = formString(request.body, 'password');
    const user = ctx.store.findUserByEmail(email);
    if (!(await verifyPassword(password, user?.password ?? null)) || !user) {
      const error = 'Wrong email or password.';
      return send(reply, signInPage({ passkeys: ctx.passkeys, email, error }), 401);
    }
    startSession({
      store: ctx.store,
      reply,
      userId: user.id,
      now: ctx.now(),
      secure: ctx.secureCookies,
    });
    // Right after a password was used, the browser may add a passkey without a prompt.
    offerPasskeyUpgrade(reply, ctx.secureCookies);
    return reply.redirect('/account', 303);
  });

  app.post('/sign-out', async (request, reply) => {
    endSession(ctx.store, request, reply);
    return reply.redirect('/sign-in?notice=signed_out', 303);
  });

  app.get('/account', async (request, reply) => {
    const user = sessionUser(ctx.store, request, ctx.now());
    if (!user) return reply.redirect(signInAgain(request));
    const query = request.query as Record<string, unknown>;
    let notice = pick(ACCOUNT_NOTICES, query.notice);
    if (query.notice === 'sent' && typeof query.transfer === 'string') {
      const transfer = ctx.store.findTransfer(user.id, query.transfer);
      if (transfer) {
        notice = `Sent ${formatCents(transfer.amountCents)} to ${transfer.recipient}.`;
      }
    }
    const inReview = ctx.store.listReviewHolds(user.id);
    if (query.notice === 'review' && typeof query.transfer === 'string') {
      const held = inReview.find((t) => t.id === query.transfer);
      if (held) {
        notice = `Your transfer of ${formatCents(held.amountCents)} to ${held.recipient} is held for review. Nothing has left your account yet.`;
      }
    }
    const page = accountPage({
      user,
      passkeys: ctx.passkeys,
      transfers: ctx.store.listTransfers(user.id),
      inReview,
      passkeyList: await listPasskeys(ctx, user),
      notice,
      error: pick(ACCOUNT_ERRORS, query.error),
    });
    return send(reply.header('cache-control', 'no-store'), page);
  });

  app.post<{ Params: { deviceId: string } }>(
    '/passkeys/:deviceId/revoke',
    async (request, reply) => {
      const user = sessionUser(ctx.store, request, ctx.now());
      if (!user) return reply.redirect(signInAgain(request), 303);
      try {
        await ctx.latchkey.revokeDevice(user.id, request.params.deviceId);
      } catch (error) {
        if (!(error instanceof PassageError)) throw error;
        const code =
          error.errorCode === 'device_not_found' || error.errorCode === 'user_not_found'
            ? 'passkey_not_found'
            : error.errorCode === 'operation_not_allowed'
              ? 'last_passkey'
              : 'latchkey_unavailable';
        return reply.redirect(`/account?error=${code}`, 303);
      }
      return reply.redirect('/account?notice=passkey_removed', 303);
    },
  );
}
