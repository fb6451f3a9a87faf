/**
 * The transfer step-up in the page: `@authsignal/browser` pointed at latchkey's `/v1`, with the
 * app id as tenant id. While the browser's passkey prompt is up, a dialog says what is being
 * approved, so the customer knows what their fingerprint or face is confirming.
 */
import { Authsignal } from '@authsignal/browser';
import { meta } from './passkeys.ts';
import { failureFromAnswer, failureFromThrown, StepUpFailure } from './step-up-failure.ts';

/** What the bank says is being approved, formatted by the bank, and why its rules ask. */
export interface Approval {
  amount: string;
  recipient: string;
  reason: string;
}

let client: Authsignal | null = null;

// Made on first use: the SDK sets its device cookie when constructed, and a page that sends no
// large transfer has no reason to talk to latchkey's actions API at all.
function authsignal(): Authsignal {
  client ??= new Authsignal({
    tenantId: meta('latchkey-app-id'),
    baseUrl: `${meta('latchkey-url')}/v1`,
  });
  return client;
}

/** The approval dialog while it is open: how to close it, and a promise that settles on Cancel. */
interface OpenApproval {
  close: () => void;
  cancelled: Promise<never>;
}

function showApproval(approval: Approval): OpenApproval {
  const dialog = document.getElementById('approve-dialog') as HTMLDialogElement | null;
  if (!dialog) return { close: () => {}, cancelled: new Promise<never>(() => {}) };
  const text = (id: string, value: string) => {
    const element = document.getElementById(id);
    if (element) element.textContent = value;
  };
  text('approve-amount', approval.amount);
  text('approve-recipient', approval.recipient);
  text('approve-reason', approval.reason);
  const cancelButton = document.getElementById('approve-cancel');
  let onCancel: (event: Event) => void = () => {};
  const cancelled = new Promise<never>((_, reject) => {
    onCancel = (event) => {
      event.preventDefault();
      reject(new StepUpFailure('cancelled'));
    };
  });
  // Escape fires the dialog's own `cancel` event: the same as the Cancel button.
  cancelButton?.addEventListener('click', onCancel);
  dialog.addEventListener('cancel', onCancel);
  dialog.showModal();
  return {
    cancelled,
    close: () => {
      cancelButton?.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
    },
  };
}

async function signIn(token: string): Promise<string> {
  let result: Awaited<ReturnType<Authsignal['passkey']['signIn']>>;
  try {
    result = await authsignal().passkey.signIn({ token });
  } catch (error) {
    throw failureFromThrown(error);
  }
  if (result.errorCode) throw failureFromAnswer(result.errorCode);
  if (result.error) throw new StepUpFailure('unknown');
  if (!result.data?.isVerified || !result.data.token) {
    throw new StepUpFailure('webauthn_login_failed');
  }
  return result.data.token;
}

/**
 * Shows "Approve $7,500.00 to ACME Ltd" and why, runs `passkey.signIn({ token })`, and returns the
 * token latchkey hands back for the bank to validate; throws {@link StepUpFailure} otherwise,
 * with the code `cancelled` when the customer pressed Cancel (whatever the passkey prompt answers
 * after that is ignored: the caller drops the held transfer).
 *
 * @example
 * const approved = await approveWithPasskey(answer.token, answer.approval);
 * await postJson(`/api/transfers/${id}/confirm`, { token: approved });
 */
export async function approveWithPasskey(token: string, approval: Approval): Promise<string> {
  const open = showApproval(approval);
  try {
    return await Promise.race([signIn(token), open.cancelled]);
  } finally {
    open.close();
  }
}
