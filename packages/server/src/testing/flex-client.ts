/**
 * A flex client over real HTTP, for tests and the benchmark: the app backend's calls (with the API
 * key) and the browser's calls (with the software authenticator), against any instance's URL.
 */
import type { SoftwareAuthenticator } from '@latchkey/authenticator';

/** One HTTP answer: the status and the parsed JSON body (or null). */
export interface Answer {
  status: number;
  body: any;
}

/** Where a flex client sends its calls. Every call may name another instance's base URL. */
export interface FlexClientOptions {
  appId: string;
  apiKey: string;
  /** The page origin the software authenticator signs into client data. */
  origin: string;
}

/**
 * @example
 * const client = new FlexClient({ appId, apiKey, origin: 'https://bank.example' });
 * const { nonce } = await client.register(a.url, new SoftwareAuthenticator(), 'ada');
 */
export class FlexClient {
  constructor(readonly options: FlexClientOptions) {}

  /** POST (or another method) to `/v1/apps/{app}{path}` on `base`. */
  async call(
    base: string,
    path: string,
    body: unknown,
    o: { method?: string; management?: boolean } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (o.management) headers.authorization = `Bearer ${this.options.apiKey}`;
    else headers.origin = this.options.origin;
    const method = o.method ?? 'POST';
    const res = await fetch(`${base}/v1/apps/${this.options.appId}${path}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'DELETE' ? {} : { body: JSON.stringify(body ?? {}) }),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, body: parsed };
  }

  manage(base: string, path: string, body?: unknown, method = 'POST'): Promise<Answer> {
    return this.call(base, path, body, { method, management: true });
  }

  async transaction(base: string, kind: 'register' | 'authenticate', externalId: string) {
    const res = await this.manage(base, `/transactions/${kind}`, {
      external_id: externalId,
      passkey_display_name: externalId,
    });
    if (res.status !== 201)
      throw new Error(`${kind} transaction: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.transaction_id as string;
  }

  /** Starts a registration on `base` (the transaction is created there too). */
  async startRegister(base: string, externalId: string) {
    const transactionId = await this.transaction(base, 'register', externalId);
    const res = await this.call(base, '/register/transactions/webauthn/start', {
      transaction_id: transactionId,
    });
    if (res.status !== 200)
      throw new Error(`register start: ${res.status} ${JSON.stringify(res.body)}`);
    return {
      transactionId,
      handshakeId: res.body.handshake.id as string,
      options: res.body.handshake.challenge.publicKey,
    };
  }

  finishRegister(
    base: string,
    started: { transactionId: string; handshakeId: string },
    response: unknown,
  ): Promise<Answer> {
    return this.call(base, '/register/transactions/webauthn/finish', {
      transaction_id: started.transactionId,
      handshake_id: started.handshakeId,
      handshake_response: response,
    });
  }

  /** Registers a new passkey for `externalId`, start and finish both on `base`. */
  async register(base: string, authenticator: SoftwareAuthenticator, externalId: string) {
    const started = await this.startRegister(base, externalId);
    const response = await authenticator.createCredential({
      options: started.options,
      origin: this.options.origin,
    });
    return this.finishRegister(base, started, response);
  }

  /** Starts a sign-in: with a transaction for `externalId`, or discoverable where it is null. */
  async startLogin(base: string, externalId: string | null) {
    const transactionId = externalId
      ? await this.transaction(base, 'authenticate', externalId)
      : null;
    const res = await this.call(
      base,
      '/authenticate/transactions/webauthn/start',
      transactionId ? { transaction_id: transactionId } : {},
    );
    if (res.status !== 200)
      throw new Error(`authenticate start: ${res.status} ${JSON.stringify(res.body)}`);
    return {
      transactionId,
      handshakeId: res.body.handshake.id as string,
      options: res.body.handshake.challenge.publicKey,
    };
  }

  finishLogin(
    base: string,
    started: { transactionId: string | null; handshakeId: string },
    response: unknown,
  ): Promise<Answer> {
    return this.call(base, '/authenticate/transactions/webauthn/finish', {
      ...(started.transactionId ? { transaction_id: started.transactionId } : {}),
      handshake_id: started.handshakeId,
      handshake_response: response,
    });
  }

  /** Signs in: start on `startBase`, finish on `finishBase` (the same by default). */
  async signIn(
    startBase: string,
    authenticator: SoftwareAuthenticator,
    externalId: string | null,
    finishBase = startBase,
  ): Promise<Answer> {
    const started = await this.startLogin(startBase, externalId);
    const response = await authenticator.getAssertion({
      options: started.options,
      origin: this.options.origin,
    });
    return this.finishLogin(finishBase, started, response);
  }

  verify(base: string, nonce: string): Promise<Answer> {
    return this.manage(base, '/authenticate/verify', { nonce });
  }
}
