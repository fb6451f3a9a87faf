/**
 * The transfer step-up in the page: `@authsignal/browser` pointed at latchkey's `/v1`, with the
 * app id as tenant id. While the browser's passkey prompt is up, a dialog says what is being
 * approved, so the customer knows what their fingerprint or face is confirming.
 */
import { Authsignal } from '@authsignal/browser';
import { meta } from './passkeys.ts';
import { failureFromAnswer, failureFromThrown, StepUpFailure } from './step-up-failure.ts';

/** What the bank says is being approved, formatted by the bank. */
export interface Approval {
  amount: string;
  recipient: string;
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

function showApproval(approval: Approval): () => void {
  const dialog = document.getElementById('approve-dialog') as HTMLDialogElement | null;
  if (!dialog) return () => {};
  const amount = document.getElementById('approve-amount');
  const recipient = document.getElementById('approve-recipient');
  if (amount) amount.textContent = approval.amount;
  if (recipient) recipient.textContent = approval.recipient;
  dialog.showModal();
  return () => dialog.close();
}

/**
 * Shows "Approve $7,500.00 to ACME Ltd", runs `passkey.signIn({ token })`, and returns the token
 * latchkey hands back for the bank to validate; throws {@link StepUpFailure} otherwise.
 *
 * @example
 * const approved = await approveWithPasskey(answer.token, answer.approval);
 * await postJson(`/api/transfers/${id}/confirm`, { token: approved });
 */
export async function approveWithPasskey(token: string, approval: Approval): Promise<string> {
  const hide = showApproval(approval);
  try {
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
  } finally {
    hide();
  }
}
