/**
 * What every route needs: the bank's store, its two latchkey clients, and its settings.
 */
import type { Authsignal } from '@authsignal/node';
import type { Latchkey } from '@latchkey/node';
import type { BankStore } from './bank-store.ts';
import type { PasskeySettings } from './views/layout.ts';

export interface BankContext {
  store: BankStore;
  /** The `@latchkey/node` client, with the app's API key: server-side only. */
  latchkey: Latchkey;
  /** `@authsignal/node` pointed at latchkey's `/v1`, with the same API key: transfers' step-up. */
  authsignal: Authsignal;
  /** What the pages tell the browser SDK: the app id and latchkey's URL (no secrets). */
  passkeys: PasskeySettings;
  /** The bank's own origin, the only one allowed to change state. */
  origin: string;
  /** Whether cookies get the Secure flag (the origin is https). */
  secureCookies: boolean;
  now: () => number;
}
