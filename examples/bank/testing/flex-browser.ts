/**
 * Plays the browser's part of latchkey's flex ceremonies in Node, with the software authenticator,
 * so the bank's backend tests can get real nonces without Chromium.
 */
import type { SoftwareAuthenticator } from '@latchkey/authenticator';
import type { DemoStack } from './demo-stack.ts';

async function post(
  stack: DemoStack,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack.latchkeyUrl}/v1/apps/${stack.appId}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: stack.bankUrl },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

type Handshake = { id: string; challenge: { publicKey: never } };

/**
 * Creates a passkey for a register transaction; returns the nonce.
 *
 * @example
 * const nonce = await registerWithAuthenticator(stack, authenticator, transactionId);
 */
export async function registerWithAuthenticator(
  stack: DemoStack,
  authenticator: SoftwareAuthenticator,
  transactionId: string,
): Promise<string> {
  const started = await post(stack, '/register/transactions/webauthn/start', {
    transaction_id: transactionId,
  });
  const handshake = started.handshake as Handshake;
  const response = await authenticator.createCredential({
    options: handshake.challenge.publicKey,
    origin: stack.bankUrl,
  });
  const finished = await post(stack, '/register/transactions/webauthn/finish', {
    transaction_id: transactionId,
    handshake_id: handshake.id,
    handshake_response: response,
  });
  return finished.nonce as string;
}

/**
 * Signs in with a passkey, for a transaction or (null) discoverably; returns the nonce.
 *
 * @example
 * const nonce = await authenticateWithAuthenticator(stack, authenticator, null);
 */
export async function authenticateWithAuthenticator(
  stack: DemoStack,
  authenticator: SoftwareAuthenticator,
  transactionId: string | null,
): Promise<string> {
  const transaction = transactionId ? { transaction_id: transactionId } : {};
  const started = await post(stack, '/authenticate/transactions/webauthn/start', transaction);
  const handshake = started.handshake as Handshake;
  const response = await authenticator.getAssertion({
    options: handshake.challenge.publicKey,
    origin: stack.bankUrl,
  });
  const finished = await post(stack, '/authenticate/transactions/webauthn/finish', {
    ...transaction,
    handshake_id: handshake.id,
    handshake_response: response,
  });
  return finished.nonce as string;
}
