/**
 * "Lost your passkey?": the bank proves who the customer is by a code emailed to the account's
 * address (latchkey never owns identity), then asks latchkey for an account recovery transaction.
 * The browser makes a new passkey with it; latchkey revokes the customer's other passkeys in the
 * same step, and the bank ends every session of the account (one may be whoever holds the lost
 * passkey) and signs the customer in.
 */
import { PassageError } from '@latchkey/node';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BankContext } from '../bank-context.ts';
import { BankError } from '../bank-errors.ts';
import { bankErrorFrom } from '../latchkey-errors.ts';
import {
  RECOVERY_REQUESTS_PER_ADDRESS,
  RECOVERY_TTL_MS,
  RECOVERY_WINDOW_MS,
} from '../recovery-requests.ts';
import { startSession } from '../sessions.ts';
import { recoverCodePage, recoverPage } from '../views/recovery-pages.ts';
import { stringField } from './require-user.ts';

/** The cookie that names the customer's recovery request (its token; the bank keeps a hash). */
export const RECOVERY_COOKIE = 'bank_recovery';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CODE = /^[0-9]{6}$/;

function send(reply: FastifyReply, page: { value: string }, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.value);
}

function token(request: FastifyRequest): string | null {
  return request.cookies[RECOVERY_COOKIE] ?? null;
}

/** The latchkey transaction for the new passkey. */
async function recoveryTransaction(ctx: BankContext, userId: string, email: string) {
  try {
    return await ctx.latchkey.createRecoveryTransaction({
      externalId: userId,
      passkeyDisplayName: email,
    });
  } catch (error) {
    // latchkey learns of a customer at their first passkey: one who never had any has nothing to
    // revoke, and an ordinary registration gives them their first.
    if (error instanceof PassageError && error.errorCode === 'user_not_found') {
      return ctx.latchkey.createRegisterTransaction({
        externalId: userId,
        passkeyDisplayName: email,
      });
    }
    throw error;
  }
}

/**
 * Registers `/recover`, `/recover/code`, `/api/recovery/passkey` and `/api/recovery/finish`.
 *
 * @example
 * recoveryRoutes(app, ctx);
 */
export function recoveryRoutes(app: FastifyInstance, ctx: BankContext): void {
  app.get('/recover', async (request, reply) => {
    const expired = (request.query as Record<string, unknown>).notice === 'expired';
    return send(
      reply,
      recoverPage({
        passkeys: ctx.passkeys,
        ...(expired ? { notice: 'That recovery request has ended. Ask for a new code.' } : {}),
      }),
    );
  });

  // The same answer whether or not the address has an account: the code goes only to an account's
  // address, and who may read that address is the bank's proof of identity.
  app.post('/recover', async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const email = (typeof body?.email === 'string' ? body.email : '').trim().toLowerCase();
    const again = (error: string, status: number) =>
      send(reply, recoverPage({ passkeys: ctx.passkeys, email, error }), status);
    if (email.length > 254 || !EMAIL.test(email)) return again('Enter a valid email address.', 400);
    const now = ctx.now();
    // The bank limits its own recovery requests: each sends an email and opens a way in.
    if (
      ctx.store.recoveries.countSince(email, now - RECOVERY_WINDOW_MS) >=
      RECOVERY_REQUESTS_PER_ADDRESS
    ) {
      return again(
        'Too many codes were asked for this address. Wait 15 minutes, then try again.',
        429,
      );
    }
    const user = ctx.store.findUserByEmail(email);
    const created = ctx.store.recoveries.create({ userId: user?.id ?? null, email, now });
    if (user) {
      ctx.store.mailbox.send({
        to: user.email,
        subject: 'Your Latchkey Bank recovery code',
        body: `Your code is ${created.code}. It works for 10 minutes. If you did not ask for it, ignore this email: your passkeys keep working.`,
        now,
      });
    }
    reply.setCookie(RECOVERY_COOKIE, created.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secureCookies,
      maxAge: RECOVERY_TTL_MS / 1000,
    });
    return reply.redirect('/recover/code', 303);
  });

  app.get('/recover/code', async (request, reply) => {
    const value = token(request);
    const found = value ? ctx.store.recoveries.find(value, ctx.now()) : null;
    if (!found || found.verifiedAt !== null) return reply.redirect('/recover?notice=expired');
    const page = recoverCodePage({
      passkeys: ctx.passkeys,
      email: found.email,
      inbox: ctx.store.mailbox.inbox(found.email),
    });
    return send(reply.header('cache-control', 'no-store'), page);
  });

  // The right code, once: then latchkey's recovery transaction for the browser's new passkey.
  app.post('/api/recovery/passkey', async (request) => {
    const value = token(request);
    const code = stringField(request.body, 'code').trim();
    const found = value ? ctx.store.recoveries.find(value, ctx.now()) : null;
    // A code opens one passkey attempt: once it was accepted, the request is spent.
    if (!value || !found || found.verifiedAt !== null) throw new BankError('recovery_expired');
    if (!CODE.test(code)) throw new BankError('recovery_code_wrong');
    const verified = ctx.store.recoveries.verify(value, code, ctx.now());
    if (!verified?.userId) {
      throw new BankError(
        ctx.store.recoveries.exhausted(value) ? 'recovery_code_exhausted' : 'recovery_code_wrong',
      );
    }
    try {
      return { transactionId: await recoveryTransaction(ctx, verified.userId, verified.email) };
    } catch (error) {
      throw bankErrorFrom(error);
    }
  });

  // The new passkey's nonce must name the account the code was for; then the account is the
  // customer's again, and only theirs.
  app.post('/api/recovery/finish', async (request, reply) => {
    const value = token(request);
    const nonce = stringField(request.body, 'nonce');
    const taken = value ? ctx.store.recoveries.take(value, ctx.now()) : null;
    if (!taken?.userId) throw new BankError('recovery_expired');
    let externalId: string;
    try {
      externalId = await ctx.latchkey.verifyNonce(nonce);
    } catch (error) {
      throw bankErrorFrom(error, { invalid_nonce: 'passkey_not_verified' });
    }
    if (externalId !== taken.userId) throw new BankError('wrong_user');
    ctx.store.deleteUserSessions(taken.userId);
    reply.clearCookie(RECOVERY_COOKIE, { path: '/' });
    startSession({
      store: ctx.store,
      reply,
      userId: taken.userId,
      now: ctx.now(),
      secure: ctx.secureCookies,
    });
    return { redirect: '/account?notice=recovered' };
  });
}
