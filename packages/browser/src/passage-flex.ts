import { type AuthenticateOptions, authenticatePasskey } from './authenticate-passkey.ts';
import {
  canAuthenticateWithPasskey,
  canRegisterPasskey,
  canUseConditionalMediation,
} from './capabilities.ts';
import { createFlexClient, type FlexClient } from './flex-client.ts';
import { LatchkeyError } from './latchkey-error.ts';
import type { PasskeyResult, PrfSalts } from './prf.ts';
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
  register(transactionId: string, options?: RegisterOptions & { prf?: undefined }): Promise<string>;
  /**
   * The same, asking the new passkey for PRF outputs of the page's own salts: resolves to the nonce
   * and the PRF output, which only the page sees.
   *
   * @example
   * const { nonce, prf } = await flex.passkey.register(transactionId, { prf: { first: salt } });
   */
  register(
    transactionId: string,
    options: RegisterOptions & { prf: PrfSalts },
  ): Promise<PasskeyResult>;
  /**
   * Signs in with a passkey. Resolves to a nonce naming the user. Without a transaction id the
   * sign-in is discoverable; with `isConditionalMediation` it waits in the input's autofill.
   *
   * @example
   * const nonce = await flex.passkey.authenticate({ transactionId });
   */
  authenticate(options?: AuthenticateOptions & { prf?: undefined }): Promise<string>;
  /**
   * The same, asking the passkey for PRF outputs of the page's own salts: resolves to the nonce and
   * the PRF output (32 bytes per salt, base64url, the same for the same salt and passkey).
   *
   * @example
   * const { nonce, prf } = await flex.passkey.authenticate({ prf: { first: salt } });
   */
  authenticate(options: AuthenticateOptions & { prf: PrfSalts }): Promise<PasskeyResult>;
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
    // Without salts the answer is the nonce alone, as in passage-flex-js; with them, the PRF output
    // comes along.
    const register = async (transactionId: string, registerOptions?: RegisterOptions) => {
      const result = await registerPasskey(client, transactionId, registerOptions, settings);
      return registerOptions?.prf === undefined ? result.nonce : result;
    };
    const authenticate = async (authenticateOptions?: AuthenticateOptions) => {
      const result = await authenticatePasskey(client, authenticateOptions, settings);
      return authenticateOptions?.prf === undefined ? result.nonce : result;
    };
    this.passkey = {
      register: register as PasskeyApi['register'],
      authenticate: authenticate as PasskeyApi['authenticate'],
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
