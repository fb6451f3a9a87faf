/**
 * The account page: add a passkey (only where the browser can make one, with `@latchkey/browser`),
 * and send money, with a passkey step-up (with `@authsignal/browser`) where latchkey's rules ask
 * for one.
 */
import { BankApiError, postJson, say } from './bank-api.ts';
import { type PasskeyTask, passkeyErrorMessage } from './passkey-errors.ts';
import { latchkey } from './passkeys.ts';
import { type Approval, approveWithPasskey } from './step-up.ts';

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
    say(passkeyBox, 'error', messageFor(error, 'register'));
    addButton.disabled = false;
  }
});

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
  submit.disabled = true;
  say(transferBox, 'error', null);
  try {
    const answer = await postJson<TransferAnswer>('/api/transfers', {
      recipient: String(data.get('recipient') ?? ''),
      amount: String(data.get('amount') ?? ''),
    });
    if (answer.status === 'step_up') await stepUp(answer.transferId, answer.token, answer.approval);
    else window.location.assign(answer.redirect);
  } catch (error) {
    say(transferBox, 'error', messageFor(error, 'step-up'));
    submit.disabled = false;
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
