/** `passage.auth`: transactions for the browser's ceremonies, and redeeming their nonces. */

import { PassageError } from './errors.ts';
import type { HttpClient } from './http-client.ts';
import type {
  AuthenticateTransactionOptions,
  RecoveryTransactionOptions,
  RegisterTransactionOptions,
} from './models.ts';
import { requireExternalId, requireText } from './require-text.ts';
import { object, optionalText, text } from './wire.ts';

/** What {@link Auth.redeemNonce} resolves with. */
export interface RedeemedNonce {
  /** The external id of the user who proved possession of a passkey. */
  externalId: string;
  /**
   * A signed session token (JWT) when the app has session tokens on and the nonce is a sign-in's;
   * verify it with `passage.sessionTokens.verify`. Null otherwise.
   */
  sessionToken: string | null;
}

/**
 * Creates register and authenticate transactions and verifies nonces, as `passage.auth` of
 * passage-flex-node 1.x, and account recovery transactions (latchkey's addition). None of these
 * requests is retried once it may have reached latchkey.
 *
 * @example
 * const transactionId = await passage.auth.createRegisterTransaction('user-42', 'ada@example.com');
 * // … the browser registers with it and sends you a nonce …
 * const externalId = await passage.auth.verifyNonce(nonce);
 */
export class Auth {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /**
   * Creates a transaction that lets the browser register a passkey for `externalId`. The user is
   * created in latchkey the first time their external id is seen. Resolves with the transaction
   * id, which the browser passes to `passkey.register`.
   *
   * @example
   * const transactionId = await passage.auth.createRegisterTransaction('user-42', 'ada@example.com');
   * // After a password sign-in: an automatic passkey upgrade.
   * const upgradeId = await passage.auth.createRegisterTransaction('user-42', 'ada@example.com', { upgrade: true });
   */
  async createRegisterTransaction(
    externalId: string,
    passkeyDisplayName: string,
    options: RegisterTransactionOptions = {},
  ): Promise<string> {
    return this.#http.send(
      {
        method: 'POST',
        path: '/transactions/register',
        body: {
          external_id: requireExternalId(externalId, 'externalId'),
          passkey_display_name: requireText(passkeyDisplayName, 'passkeyDisplayName'),
          ...(options.hints === undefined ? {} : { hints: options.hints }),
          ...(options.upgrade === true ? { upgrade: true } : {}),
        },
        action: 'create a register transaction',
      },
      (body) => text(object(body), 'transaction_id'),
    );
  }

  /**
   * Creates a transaction that lets the browser sign `externalId` in with one of their passkeys.
   * Rejects with `user_has_no_passkeys` (409) when the user has none, or does not exist: the two
   * are indistinguishable on purpose.
   *
   * @example
   * const transactionId = await passage.auth.createAuthenticateTransaction('user-42');
   */
  async createAuthenticateTransaction(
    externalId: string,
    options: AuthenticateTransactionOptions = {},
  ): Promise<string> {
    return this.#http.send(
      {
        method: 'POST',
        path: '/transactions/authenticate',
        body: {
          external_id: requireExternalId(externalId, 'externalId'),
          ...(options.hints === undefined ? {} : { hints: options.hints }),
        },
        action: 'create an authenticate transaction',
      },
      (body) => text(object(body), 'transaction_id'),
    );
  }

  /**
   * latchkey: creates an account recovery transaction for a user who lost their passkey. Prove who
   * the person is by your own means first (an emailed code, your support desk): latchkey does not.
   * The browser passes the transaction id to `passkey.register` as for any registration, and the
   * nonce it gets names the user. Completing it revokes every other passkey of the user in the
   * same database transaction, unless `revokeOtherPasskeys` is false. Rejects with
   * `user_not_found` (404) for an external id latchkey has never seen: a recovery never creates a
   * user.
   *
   * @example
   * // After the user proved they own the account's email address:
   * const transactionId = await passage.auth.createRecoveryTransaction('user-42');
   * // Add a passkey and keep the others (a new device, not a lost one):
   * await passage.auth.createRecoveryTransaction('user-42', { revokeOtherPasskeys: false });
   */
  async createRecoveryTransaction(
    externalId: string,
    options: RecoveryTransactionOptions = {},
  ): Promise<string> {
    const { passkeyDisplayName, revokeOtherPasskeys } = options ?? {};
    if (revokeOtherPasskeys !== undefined && typeof revokeOtherPasskeys !== 'boolean') {
      // "false" as a string must not silently mean "revoke".
      throw new PassageError({
        errorCode: 'invalid_argument',
        message: 'revokeOtherPasskeys must be a boolean',
      });
    }
    return this.#http.send(
      {
        method: 'POST',
        path: '/transactions/recovery',
        body: {
          external_id: requireExternalId(externalId, 'externalId'),
          ...(passkeyDisplayName === undefined
            ? {}
            : { passkey_display_name: requireText(passkeyDisplayName, 'passkeyDisplayName') }),
          ...(revokeOtherPasskeys === undefined
            ? {}
            : { revoke_other_passkeys: revokeOtherPasskeys }),
        },
        action: 'create a recovery transaction',
      },
      (body) => text(object(body), 'transaction_id'),
    );
  }

  /**
   * Redeems the nonce the browser got from a successful ceremony and resolves with the external
   * id of the user who proved possession of a passkey. A nonce is redeemed once; an unknown,
   * expired or used one rejects with `invalid_nonce` (401).
   *
   * @example
   * const externalId = await passage.auth.verifyNonce(request.body.nonce);
   * request.session.userId = externalId;
   */
  async verifyNonce(nonce: string): Promise<string> {
    return this.#http.send(
      {
        method: 'POST',
        path: '/authenticate/verify',
        body: { nonce: requireText(nonce, 'nonce') },
        action: 'verify a nonce',
      },
      (body) => text(object(body), 'external_id'),
    );
  }

  /**
   * Like {@link Auth.verifyNonce}, and also hands over the session token latchkey signed for the
   * sign-in, where the app has session tokens on.
   *
   * @example
   * const { externalId, sessionToken } = await passage.auth.redeemNonce(request.body.nonce);
   */
  async redeemNonce(nonce: string): Promise<RedeemedNonce> {
    return this.#http.send(
      {
        method: 'POST',
        path: '/authenticate/verify',
        body: { nonce: requireText(nonce, 'nonce') },
        action: 'verify a nonce',
      },
      (body) => {
        const answer = object(body);
        return {
          externalId: text(answer, 'external_id'),
          sessionToken: optionalText(answer, 'session_token'),
        };
      },
    );
  }
}
