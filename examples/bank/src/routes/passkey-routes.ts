/**
 * The passkey endpoints the pages call: sign in with a passkey, and add one. Each asks latchkey
 * through `@latchkey/node` with the app's API key; the browser talks to latchkey only with a
 * transaction id the bank handed it, and hands back a nonce that only the bank can redeem.
 */
import type { FastifyInstance } from 'fastify';
import type { BankContext } from '../bank-context.ts';
import { BankError } from '../bank-errors.ts';
import { bankErrorFrom } from '../latchkey-errors.ts';
import { startSession, UPGRADE_COOKIE, UPGRADE_PATH } from '../sessions.ts';
import { requireUser, stringField } from './require-user.ts';

/**
 * Registers `/api/passkey-sign-in`, `/api/passkeys/register` and `/api/passkeys/verify`.
 *
 * @example
 * passkeyRoutes(app, ctx);
 */
export function passkeyRoutes(app: FastifyInstance, ctx: BankContext): void {
  // The nonce of a passkey sign-in (button or autofill) names the user: sign them in.
  app.post('/api/passkey-sign-in', async (request, reply) => {
    const nonce = stringField(request.body, 'nonce');
    let externalId: string;
    try {
      externalId = await ctx.latchkey.verifyNonce(nonce);
    } catch (error) {
      throw bankErrorFrom(error, { invalid_nonce: 'passkey_not_verified' });
    }
    const user = ctx.store.findUserById(externalId);
    if (!user) throw new BankError('unknown_account');
    startSession({
      store: ctx.store,
      reply,
      userId: user.id,
      now: ctx.now(),
      secure: ctx.secureCookies,
    });
    return { redirect: '/account' };
  });

  // Adding a passkey needs the bank's session: latchkey only registers what the bank allows.
  app.post('/api/passkeys/register', async (request) => {
    const user = requireUser(ctx, request);
    try {
      const transactionId = await ctx.latchkey.createRegisterTransaction({
        externalId: user.id,
        passkeyDisplayName: user.email,
      });
      return { transactionId };
    } catch (error) {
      throw bankErrorFrom(error);
    }
  });

  // An automatic passkey upgrade, only just after a password sign-in (its cookie is spent here):
  // latchkey accepts the browser's prompt-less passkey only for a transaction made as an upgrade.
  app.post(UPGRADE_PATH, async (request, reply) => {
    const user = requireUser(ctx, request);
    if (request.cookies[UPGRADE_COOKIE] === undefined) return { transactionId: null };
    reply.clearCookie(UPGRADE_COOKIE, { path: UPGRADE_PATH });
    try {
      const transactionId = await ctx.latchkey.createRegisterTransaction({
        externalId: user.id,
        passkeyDisplayName: user.email,
        upgrade: true,
      });
      return { transactionId };
    } catch (error) {
      throw bankErrorFrom(error);
    }
  });

  // The register ceremony's nonce proves the new passkey belongs to this signed-in user.
  app.post('/api/passkeys/verify', async (request) => {
    const user = requireUser(ctx, request);
    const nonce = stringField(request.body, 'nonce');
    let externalId: string;
    try {
      externalId = await ctx.latchkey.verifyNonce(nonce);
    } catch (error) {
      throw bankErrorFrom(error, { invalid_nonce: 'passkey_not_verified' });
    }
    if (externalId !== user.id) throw new BankError('wrong_user');
    const upgraded = (request.body as { upgrade?: unknown } | null)?.upgrade === true;
    return { redirect: `/account?notice=${upgraded ? 'passkey_upgraded' : 'passkey_added'}` };
  });
}
