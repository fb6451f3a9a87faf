/**
 * A bank customer over real HTTP, without a browser: keeps the session cookie, sends the bank's own
 * Origin (as a browser would) unless told otherwise, and never follows redirects.
 */
import type { DemoStack } from './demo-stack.ts';

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
    if (this.cookie) headers.cookie = this.cookie;
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

  transfer(recipient: string, amount: string): Promise<BankResponse> {
    return this.request('POST', '/api/transfers', { json: { recipient, amount } });
  }
}
