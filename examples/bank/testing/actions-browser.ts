/**
 * Plays `@authsignal/browser`'s `passkey.signIn({ token })` in Node, with the software
 * authenticator, so the bank's backend tests can get real step-up tokens without Chromium: the
 * same two calls to latchkey's client API, with the same headers and bodies.
 */
import type { AssertionOverrides, SoftwareAuthenticator } from '@latchkey/authenticator';
import type { DemoStack } from './demo-stack.ts';

async function post(
  stack: DemoStack,
  path: string,
  token: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack.latchkeyUrl}/v1/client${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      origin: stack.bankUrl,
    },
    body: JSON.stringify(body),
  });
  // The SDK reads only the body: an error is a body with the key `error`.
  return (await res.json()) as Record<string, unknown>;
}

/**
 * Answers a step-up token with a passkey; returns the token latchkey hands back on success.
 *
 * @example
 * const approved = await signInWithToken(stack, authenticator, tracked.token);
 */
export async function signInWithToken(
  stack: DemoStack,
  authenticator: SoftwareAuthenticator,
  token: string,
  overrides?: AssertionOverrides,
): Promise<string> {
  const started = await post(
    stack,
    '/user-authenticators/passkey/authentication-options',
    token,
    {},
  );
  if ('error' in started) throw new Error(`authentication-options: ${JSON.stringify(started)}`);
  const assertion = await authenticator.getAssertion({
    options: started.options as never,
    origin: stack.bankUrl,
    ...(overrides ? { overrides } : {}),
  });
  const verified = await post(stack, '/verify/passkey', token, {
    authenticationCredential: assertion,
    deviceId: 'bank-tests',
    challengeId: started.challengeId,
  });
  if ('error' in verified || typeof verified.accessToken !== 'string') {
    throw new Error(`verify: ${JSON.stringify(verified)}`);
  }
  return verified.accessToken;
}
