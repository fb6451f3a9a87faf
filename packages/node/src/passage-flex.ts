/** The client: one instance per app, with both of passage-flex-node's call styles. */
import { Auth } from './auth.ts';
import { PassageError } from './errors.ts';
import { HttpClient } from './http-client.ts';
import {
  type AppInfo,
  type AuthenticateTransactionOptions,
  type PassageUser,
  type RecoveryTransactionOptions,
  type RegisterTransactionOptions,
  type RevokeDeviceOptions,
  WELL_KNOWN_FILES,
  type WebAuthnDevice,
  type WellKnownFile,
} from './models.ts';
import { type PassageFlexOptions, resolveOptions } from './options.ts';
import { SessionTokens } from './session-tokens.ts';
import { User } from './user.ts';
import { object, toApp } from './wire.ts';

/**
 * The arguments of the flat `createRegisterTransaction`, as passage-flex-node 0.2.x took them.
 *
 * @example
 * const args: RegisterTransactionArgs = { externalId: 'user-42', passkeyDisplayName: 'ada@example.com' };
 */
export interface RegisterTransactionArgs extends RegisterTransactionOptions {
  externalId: string;
  passkeyDisplayName: string;
}

/**
 * The arguments of the flat `createAuthenticateTransaction`, as passage-flex-node 0.2.x took them.
 *
 * @example
 * const args: AuthenticateTransactionArgs = { externalId: 'user-42' };
 */
export interface AuthenticateTransactionArgs extends AuthenticateTransactionOptions {
  externalId: string;
}

/**
 * The arguments of the flat `createRecoveryTransaction` (latchkey's addition, in the 0.2.x style).
 *
 * @example
 * const args: RecoveryTransactionArgs = { externalId: 'user-42', revokeOtherPasskeys: true };
 */
export interface RecoveryTransactionArgs extends RecoveryTransactionOptions {
  externalId: string;
}

/**
 * latchkey's backend client, shaped like `PassageFlex` of `@passageidentity/passage-flex-node` so
 * that code moves by changing the import and adding `baseUrl`. Also exported as `Latchkey`. The
 * namespaced style of 1.x (`auth.*`, `user.*`) and the flat style of 0.2.x are both on every
 * instance. The constructor checks its options and throws `PassageError` (`invalid_argument`)
 * before any request.
 *
 * @example
 * import { PassageFlex } from '@latchkey/node';
 *
 * const passage = new PassageFlex({
 *   appId: process.env.LATCHKEY_APP_ID!,
 *   apiKey: process.env.LATCHKEY_API_KEY!,
 *   baseUrl: 'https://passkeys.example.com',
 * });
 * const transactionId = await passage.auth.createRegisterTransaction('user-42', 'ada@example.com');
 */
export class PassageFlex {
  /** Transactions and nonces (1.x style). */
  readonly auth: Auth;
  /** Users and their passkeys (1.x style). */
  readonly user: User;
  /** Verifying session tokens, offline but for the app's public keys. */
  readonly sessionTokens: SessionTokens;
  readonly #http: HttpClient;

  constructor(options: PassageFlexOptions) {
    const resolved = resolveOptions(options);
    this.#http = new HttpClient(resolved);
    this.auth = new Auth(this.#http);
    this.user = new User(this.#http);
    this.sessionTokens = new SessionTokens(resolved);
  }

  /**
   * The app's id, name and first web origin (0.2.x style).
   *
   * @example
   * const { authOrigin } = await passage.getApp();
   */
  async getApp(): Promise<AppInfo> {
    return this.#http.send({ method: 'GET', path: '', action: 'get the app' }, (body) =>
      toApp(object(body, 'app')),
    );
  }

  /**
   * One of the app's well-known documents, made from its related origins, Android apps or Apple
   * apps, or null when the app has nothing to put in it. For a backend at the RP ID's domain
   * that serves them itself (see docs/native-apps-and-related-origins.md). A latchkey addition.
   *
   * @example
   * // Express, at https://bank.example
   * app.get('/.well-known/webauthn', async (_req, res) => {
   *   const document = await passage.getWellKnownDocument('webauthn');
   *   document ? res.json(document) : res.sendStatus(404);
   * });
   */
  async getWellKnownDocument(file: WellKnownFile): Promise<unknown> {
    if (!(WELL_KNOWN_FILES as readonly string[]).includes(file)) {
      throw new PassageError({
        errorCode: 'invalid_argument',
        message: `file must be one of ${WELL_KNOWN_FILES.join(', ')}`,
      });
    }
    return this.#http.send(
      {
        method: 'GET',
        path: `/.well-known/${file}`,
        action: `get ${file}`,
        nullWhenNotFound: true,
      },
      (body) => body,
    );
  }

  /**
   * Same as `auth.createRegisterTransaction(externalId, passkeyDisplayName)` (0.2.x style).
   *
   * @example
   * const transactionId = await passage.createRegisterTransaction({
   *   externalId: 'user-42',
   *   passkeyDisplayName: 'ada@example.com',
   * });
   */
  createRegisterTransaction(args: RegisterTransactionArgs): Promise<string> {
    const { externalId, passkeyDisplayName, ...options } = args ?? {};
    return this.auth.createRegisterTransaction(
      externalId as string,
      passkeyDisplayName as string,
      options,
    );
  }

  /**
   * Same as `auth.createAuthenticateTransaction(externalId)` (0.2.x style).
   *
   * @example
   * const transactionId = await passage.createAuthenticateTransaction({ externalId: 'user-42' });
   */
  createAuthenticateTransaction(args: AuthenticateTransactionArgs): Promise<string> {
    const { externalId, ...options } = args ?? {};
    return this.auth.createAuthenticateTransaction(externalId as string, options);
  }

  /**
   * Same as `auth.createRecoveryTransaction(externalId, options)` (0.2.x style).
   *
   * @example
   * const transactionId = await passage.createRecoveryTransaction({ externalId: 'user-42' });
   */
  createRecoveryTransaction(args: RecoveryTransactionArgs): Promise<string> {
    const { externalId, ...options } = args ?? {};
    return this.auth.createRecoveryTransaction(externalId as string, options);
  }

  /**
   * Same as `auth.verifyNonce(nonce)` (0.2.x style): resolves with the external id.
   *
   * @example
   * const externalId = await passage.verifyNonce(nonce);
   */
  verifyNonce(nonce: string): Promise<string> {
    return this.auth.verifyNonce(nonce);
  }

  /**
   * Same as `user.get(externalId)` (0.2.x style).
   *
   * @example
   * const user = await passage.getUser('user-42');
   */
  getUser(externalId: string): Promise<PassageUser> {
    return this.user.get(externalId);
  }

  /**
   * Same as `user.listDevices(externalId)` (0.2.x style).
   *
   * @example
   * const devices = await passage.getDevices('user-42');
   */
  getDevices(externalId: string): Promise<WebAuthnDevice[]> {
    return this.user.listDevices(externalId);
  }

  /**
   * Same as `user.revokeDevice(externalId, deviceId)`, resolving with `true` as 0.2.x did.
   *
   * @example
   * const revoked = await passage.revokeDevice('user-42', device.id); // true
   */
  async revokeDevice(
    externalId: string,
    deviceId: string,
    options: RevokeDeviceOptions = {},
  ): Promise<boolean> {
    await this.user.revokeDevice(externalId, deviceId, options);
    return true;
  }
}

/**
 * The same class as {@link PassageFlex}, under latchkey's own name.
 *
 * @example
 * import { Latchkey } from '@latchkey/node';
 * const latchkey = new Latchkey({ appId, apiKey, baseUrl: 'http://127.0.0.1:8080' });
 * const externalId = await latchkey.auth.verifyNonce(nonce);
 */
export const Latchkey = PassageFlex;
/** The type of a {@link Latchkey} instance: a {@link PassageFlex}. */
export type Latchkey = PassageFlex;
