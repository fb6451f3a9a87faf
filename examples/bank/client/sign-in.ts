/**
 * The sign-in page: the "Sign in with a passkey" button, and passkey autofill on the email field
 * (a conditional-mediation request started as the page loads). Both end the same way: latchkey
 * hands the page a nonce, the bank redeems it and starts a session.
 */
import { BankApiError, postJson, say } from './bank-api.ts';
import { isQuietAutofillEnd, passkeyErrorMessage } from './passkey-errors.ts';
import { latchkey } from './passkeys.ts';

const client = latchkey();
const box = document.getElementById('passkey-message');
const button = document.getElementById('passkey-sign-in') as HTMLButtonElement | null;

async function finish(nonce: string): Promise<void> {
  const { redirect } = await postJson<{ redirect: string }>('/api/passkey-sign-in', { nonce });
  window.location.assign(redirect);
}

function fail(error: unknown): void {
  const message =
    error instanceof BankApiError ? error.message : passkeyErrorMessage(error, 'sign-in');
  say(box, 'error', message);
  // A "signed out" notice above the error would only confuse.
  for (const notice of document.querySelectorAll<HTMLElement>('.alert.notice'))
    notice.hidden = true;
}

async function autofill(): Promise<void> {
  if (!(await client.passkey.canUseConditionalMediation())) return;
  try {
    await finish(await client.passkey.authenticate({ isConditionalMediation: true }));
  } catch (error) {
    // The customer did not ask for this request: its ending by abort (the button's request replaces
    // it), refusal or lack of support is for the console only. A passkey they did pick that the
    // bank then refuses is still shown.
    if (isQuietAutofillEnd(error)) console.info('passkey autofill ended:', error);
    else fail(error);
  }
}

button?.addEventListener('click', async () => {
  button.disabled = true;
  say(box, 'error', null);
  try {
    await finish(await client.passkey.authenticate({}));
  } catch (error) {
    fail(error);
    button.disabled = false;
  }
});

void (async () => {
  if (button && !(await client.passkey.canAuthenticateWithPasskey())) button.hidden = true;
})();
void autofill();
