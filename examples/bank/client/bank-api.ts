/**
 * Calls to the bank's own JSON endpoints. The session cookie rides along (same origin); the
 * server refuses any state change whose `Origin` is not the bank's.
 */

/** A refusal from the bank, with the message it wrote for the customer. */
export class BankApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BankApiError';
  }
}

/**
 * POSTs JSON to the bank and returns the JSON answer, or throws {@link BankApiError}.
 *
 * @example
 * const { transactionId } = await postJson<{ transactionId: string }>('/api/passkeys/register');
 */
export async function postJson<T>(path: string, body: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new BankApiError(
      'network_error',
      'The bank could not be reached. Check your connection.',
    );
  }
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const message = typeof json.message === 'string' ? json.message : 'Something went wrong.';
    throw new BankApiError(typeof json.code === 'string' ? json.code : 'unknown', message);
  }
  return json as T;
}

/**
 * Shows a message in an alert box (or hides it with null).
 *
 * @example
 * say(box, 'error', 'Wrong amount.');
 */
export function say(
  box: HTMLElement | null,
  kind: 'error' | 'notice' | 'info',
  message: string | null,
  link?: { href: string; text: string },
): void {
  if (!box) return;
  box.className = `alert ${kind}`;
  box.textContent = message ?? '';
  if (message !== null && link) {
    const a = document.createElement('a');
    a.href = link.href;
    a.textContent = link.text;
    box.append(' ', a);
  }
  box.hidden = message === null;
}

/**
 * The link an error message ends with, if it has one: an ended session leads to the sign-in page.
 *
 * @example
 * say(box, 'error', error.message, linkFor(error));
 */
export function linkFor(error: unknown): { href: string; text: string } | undefined {
  if (error instanceof BankApiError && error.code === 'not_signed_in') {
    return { href: '/sign-in', text: 'Go to the sign-in page' };
  }
  return undefined;
}
