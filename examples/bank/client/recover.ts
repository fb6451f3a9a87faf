/**
 * The recovery code page: the code goes to the bank, which answers with latchkey's recovery
 * transaction; the browser makes the new passkey with it, and the bank redeems the nonce and signs
 * the customer in.
 */
import { BankApiError, postJson, say } from './bank-api.ts';
import { passkeyErrorMessage } from './passkey-errors.ts';
import { latchkey } from './passkeys.ts';

const client = latchkey();
const form = document.getElementById('recover-form') as HTMLFormElement | null;
const submit = document.getElementById('recover-submit') as HTMLButtonElement | null;
const box = document.getElementById('recover-message');

/** Refusals after which this request cannot go on: a new code is the way forward. */
const SPENT = ['recovery_expired', 'recovery_code_exhausted'];

form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const code = String(new FormData(form).get('code') ?? '').trim();
  if (submit) submit.disabled = true;
  say(box, 'error', null);
  let codeAccepted = false;
  try {
    const { transactionId } = await postJson<{ transactionId: string }>('/api/recovery/passkey', {
      code,
    });
    codeAccepted = true;
    say(box, 'info', 'Follow your browser’s prompt to create your new passkey…');
    const nonce = await client.passkey.register(transactionId);
    const { redirect } = await postJson<{ redirect: string }>('/api/recovery/finish', { nonce });
    window.location.assign(redirect);
  } catch (error) {
    const message =
      error instanceof BankApiError ? error.message : passkeyErrorMessage(error, 'register');
    // A code opens one attempt at the passkey: after it, or once the request is spent, start over.
    const over = codeAccepted || (error instanceof BankApiError && SPENT.includes(error.code));
    say(box, 'error', message, over ? { href: '/recover', text: 'Ask for a new code' } : undefined);
    if (submit) submit.disabled = over;
  }
});
