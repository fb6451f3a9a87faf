import { type AuthenticateOptions, authenticatePasskey } from './authenticate-passkey.ts';
import {
  canAuthenticateWithPasskey,
  canRegisterPasskey,
  canUseConditionalMediation,
} from './capabilities.ts';
import { createFlexClient, type FlexClient } from './flex-client.ts';
import { LatchkeyError } from './latchkey-error.ts';
import { type RegisterOptions, registerPasskey } from './register-passkey.ts';

/** Options for {@link PassageFlex}. */
export interface PassageFlexOptions {
  /**
   * Where latchkey serves the flex auth API, such as `https://passkeys.bank.example`. Default: the
   * page's own origin.
   */
  baseUrl?: string;
  /**
   * The longest the browser's prompt may wait, in milliseconds. Default: the server's timeout
   * (the app's ceremony lifetime). Only ever shortens it.
   */
  timeout?: number;
}

/** The passkey ceremonies and checks, as `flex.passkey`. */
export interface PasskeyApi {
  /**
   * Creates a passkey for the user the app backend made `transactionId` for. Resolves to a nonce.
   *
   * @example
   * const nonce = await flex.passkey.register(transactionId, { authenticatorAttachment: 'platform' });
   */
  register(transactionId: string, options?: RegisterOptions): Promise<string>;
  /**
   * Signs in with a passkey. Resolves to a nonce naming the user. Without a transaction id the
   * sign-in is discoverable; with `isConditionalMediation` it waits in the input's autofill.
   *
   * @example
   * const nonce = await flex.passkey.authenticate({ transactionId });
   */
  authenticate(options?: AuthenticateOptions): Promise<string>;
  /** See {@link canRegisterPasskey}. */
  canRegisterPasskey(): Promise<boolean>;
  /** See {@link canAuthenticateWithPasskey}. */
  canAuthenticateWithPasskey(): Promise<boolean>;
  /** See {@link canUseConditionalMediation}. */
  canUseConditionalMediation(): Promise<boolean>;
}

/**
 * The web SDK: the surface of `@passageidentity/passage-flex-js`, against a latchkey server.
 *
 * @example
 * const flex = new PassageFlex('app_123', { baseUrl: 'https://passkeys.bank.example' });
 * const nonce = await flex.passkey.register(transactionId);
 * await fetch('/passkeys/verify', { method: 'POST', body: JSON.stringify({ nonce }) });
 */
export class PassageFlex {
  readonly appId: string;
  readonly passkey: PasskeyApi;

  constructor(appId: string, options: PassageFlexOptions = {}) {
    if (typeof appId !== 'string' || appId.length === 0) {
      throw new LatchkeyError('app_not_found', 'an app id is required');
    }
    this.appId = appId;
    const baseUrl = options.baseUrl ?? globalThis.location?.origin ?? '';
    const client: FlexClient = createFlexClient({ appId, baseUrl });
    const settings = options.timeout === undefined ? {} : { timeout: options.timeout };
    this.passkey = {
      register: (transactionId, registerOptions) =>
        registerPasskey(client, transactionId, registerOptions, settings),
      authenticate: (authenticateOptions) =>
        authenticatePasskey(client, authenticateOptions, settings),
      canRegisterPasskey,
      canAuthenticateWithPasskey,
      canUseConditionalMediation,
    };
  }
}

/**
 * The same class under latchkey's own name.
 *
 * @example
 * const latchkey = new Latchkey('app_123', { baseUrl: 'https://passkeys.bank.example' });
 */
export const Latchkey = PassageFlex;
export type Latchkey = PassageFlex;
