/**
 * The account page: add a passkey (only where the browser can make one, with `@latchkey/browser`),
 * and send money, with a passkey step-up (with `@authsignal/browser`) where latchkey's rules ask
 * for one.
 */
import { BankApiError, linkFor, postJson, say } from './bank-api.ts';
import { isAlreadyRegistered, type PasskeyTask, passkeyErrorMessage } from './passkey-errors.ts';
import { latchkey } from './passkeys.ts';
import { type Approval, approveWithPasskey } from './step-up.ts';
import { StepUpFailure } from './step-up-failure.ts';

const client = latchkey();

function messageFor(error: unknown, task: PasskeyTask): string {
  return error instanceof BankApiError ? error.message : passkeyErrorMessage(error, task);
}

// Add a passkey: the bank asks latchkey for a register transaction, the browser makes the passkey,
// and the bank redeems the nonce to confirm it is this user's.
const addButton = document.getElementById('add-passkey') as HTMLButtonElement | null;
const passkeyBox = document.getElementById('passkey-message');

void (async () => {
  if (addButton && (await client.passkey.canRegisterPasskey())) addButton.hidden = false;
})();

addButton?.addEventListener('click', async () => {
  addButton.disabled = true;
  say(passkeyBox, 'info', 'Follow your browser’s prompt to create a passkey…');
  try {
    const { transactionId } = await postJson<{ transactionId: string }>('/api/passkeys/register');
    const nonce = await client.passkey.register(transactionId);
    const { redirect } = await postJson<{ redirect: string }>('/api/passkeys/verify', { nonce });
    window.location.assign(redirect);
  } catch (error) {
    // A second passkey on a device that holds one already is refused by the browser; the customer
    // is set up here, so that is news, not an error.
    const kind = isAlreadyRegistered(error) ? 'info' : 'error';
    say(passkeyBox, kind, messageFor(error, 'register'), linkFor(error));
    addButton.disabled = false;
  }
});

// After a password sign-in the bank asks for an automatic passkey upgrade: the browser makes a
// passkey for the password it just filled in, without a prompt, or refuses at once (as it does
// where no password manager took part). Nobody asked for it, so a refusal is for the console only.
void (async () => {
  if (!(await client.passkey.canRegisterPasskey())) return;
  try {
    const { transactionId } = await postJson<{ transactionId: string | null }>(
      '/api/passkeys/upgrade',
    );
    if (transactionId === null) return;
    const nonce = await client.passkey.register(transactionId);
    const { redirect } = await postJson<{ redirect: string }>('/api/passkeys/verify', {
      nonce,
      upgrade: true,
    });
    window.location.assign(redirect);
  } catch (error) {
    console.info('automatic passkey upgrade not made:', error);
  }
})();

// Removing a passkey takes two presses: the first turns the button into "Confirm removal".
for (const revoke of document.querySelectorAll<HTMLFormElement>('form.revoke')) {
  const button = revoke.querySelector<HTMLButtonElement>('button');
  revoke.addEventListener('submit', (event) => {
    if (!button || button.dataset.confirming === 'yes') return;
    event.preventDefault();
    button.dataset.confirming = 'yes';
    button.textContent = 'Confirm removal';
    button.setAttribute(
      'aria-label',
      `Confirm removing ${button.getAttribute('aria-label')?.replace(/^Remove /, '') ?? 'this passkey'}`,
    );
  });
}

// Transfers.
const form = document.getElementById('transfer-form') as HTMLFormElement | null;
const submit = document.getElementById('transfer-submit') as HTMLButtonElement | null;
const transferBox = document.getElementById('transfer-message');

type TransferAnswer =
  | { status: 'sent' | 'review'; redirect: string }
  | { status: 'step_up'; transferId: string; token: string; approval: Approval };

async function stepUp(transferId: string, token: string, approval: Approval): Promise<void> {
  const path = `/api/transfers/${encodeURIComponent(transferId)}`;
  say(
    transferBox,
    'info',
    `Approve ${approval.amount} to ${approval.recipient} with your passkey…`,
  );
  let approved: string;
  try {
    approved = await approveWithPasskey(token, approval);
  } catch (error) {
    // Nothing was approved: drop the held transfer now rather than let it wait out its time.
    await postJson(`${path}/cancel`).catch(() => {});
    throw error;
  }
  const confirmed = await postJson<{ redirect: string }>(`${path}/confirm`, { token: approved });
  window.location.assign(confirmed.redirect);
}

form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!submit) return;
  const data = new FormData(form);
  const recipient = String(data.get('recipient') ?? '').trim();
  const amount = String(data.get('amount') ?? '').trim();
  // Said here before anything is sent; the bank's server says the same if it is asked anyway.
  const missing = recipient === '' ? 'recipient' : amount === '' ? 'amount' : null;
  if (missing) {
    say(transferBox, 'error', missing === 'recipient' ? 'Enter a recipient.' : 'Enter an amount.');
    document.getElementById(missing)?.focus();
    return;
  }
  submit.disabled = true;
  say(transferBox, 'error', null);
  try {
    const answer = await postJson<TransferAnswer>('/api/transfers', { recipient, amount });
    if (answer.status === 'step_up') await stepUp(answer.transferId, answer.token, answer.approval);
    else window.location.assign(answer.redirect);
  } catch (error) {
    submit.disabled = false;
    if (error instanceof StepUpFailure && error.code === 'cancelled') {
      say(transferBox, 'info', 'Transfer cancelled. Nothing was sent.');
      return;
    }
    say(transferBox, 'error', messageFor(error, 'step-up'), linkFor(error));
    // No passkey yet: the way forward is the "Add a passkey" button further down.
    if (
      error instanceof BankApiError &&
      error.code === 'passkey_required' &&
      addButton &&
      !addButton.hidden
    ) {
      addButton.focus();
    }
  }
});
