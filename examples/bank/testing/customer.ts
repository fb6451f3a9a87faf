/**
 * A bank customer over real HTTP, without a browser: keeps the session cookie, sends the bank's own
 * Origin (as a browser would) unless told otherwise, and never follows redirects.
 */
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import type { DemoStack } from './demo-stack.ts';
import { registerWithAuthenticator } from './flex-browser.ts';

export interface BankResponse {
  status: number;
  location: string | null;
  setCookie: string[];
  body: string;
  json: Record<string, unknown>;
}

/**
 * @example
 * const ada = new Customer(stack);
 * await ada.signUp('ada@example.com', 'correct horse');
 */
export class Customer {
  cookie: string | null = null;
  /** The cookie of an account recovery in progress (`bank_recovery=…`), while there is one. */
  recoveryCookie: string | null = null;

  constructor(readonly stack: DemoStack) {}

  async request(
    method: 'GET' | 'POST',
    path: string,
    options: {
      form?: Record<string, string>;
      json?: Record<string, unknown>;
      /** The Origin header: the bank's by default, null for none. */
      origin?: string | null;
      referer?: string;
    } = {},
  ): Promise<BankResponse> {
    const headers: Record<string, string> = {};
    const cookies = [this.cookie, this.recoveryCookie].filter((c) => c !== null);
    if (cookies.length > 0) headers.cookie = cookies.join('; ');
    const origin = options.origin === undefined ? this.stack.bankUrl : options.origin;
    if (method === 'POST' && origin !== null) headers.origin = origin;
    if (options.referer) headers.referer = options.referer;
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const res = await fetch(`${this.stack.bankUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: 'manual',
    });
    const setCookie = res.headers.getSetCookie();
    for (const line of setCookie) {
      const [pair] = line.split(';');
      if (pair?.startsWith('bank_session=')) this.cookie = pair.endsWith('=') ? null : pair;
      if (pair?.startsWith('bank_recovery=')) {
        this.recoveryCookie = pair.endsWith('=') ? null : pair;
      }
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text);
    } catch {
      // an HTML page
    }
    return {
      status: res.status,
      location: res.headers.get('location'),
      setCookie,
      body: text,
      json,
    };
  }

  signUp(email: string, password: string): Promise<BankResponse> {
    return this.request('POST', '/sign-up', { form: { email, password } });
  }

  signIn(email: string, password: string): Promise<BankResponse> {
    return this.request('POST', '/sign-in', { form: { email, password } });
  }

  /**
   * Adds a passkey to the signed-in account as the account page does ("Add a passkey"), made by
   * `authenticator`; resolves with it.
   */
  async addPasskey(authenticator = new SoftwareAuthenticator()): Promise<SoftwareAuthenticator> {
    const started = await this.request('POST', '/api/passkeys/register');
    const nonce = await registerWithAuthenticator(
      this.stack,
      authenticator,
      started.json.transactionId as string,
    );
    const verified = await this.request('POST', '/api/passkeys/verify', { json: { nonce } });
    if (verified.status !== 200)
      throw new Error(`add a passkey: ${verified.status} ${verified.body}`);
    return authenticator;
  }

  transfer(recipient: string, amount: string): Promise<BankResponse> {
    return this.request('POST', '/api/transfers', { json: { recipient, amount } });
  }
}
