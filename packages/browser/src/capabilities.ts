import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  platformAuthenticatorIsAvailable,
} from '@simplewebauthn/browser';

/**
 * Whether this device can make a passkey here: WebAuthn and a user-verifying platform
 * authenticator (Touch ID, Windows Hello, Android screen lock, or a passkey provider).
 *
 * @example
 * if (await canRegisterPasskey()) showAddPasskeyButton();
 */
export async function canRegisterPasskey(): Promise<boolean> {
  if (!browserSupportsWebAuthn()) return false;
  try {
    return await platformAuthenticatorIsAvailable();
  } catch {
    return false;
  }
}

/**
 * Whether this browser can sign in with a passkey at all (on this device, a phone or a security key).
 *
 * @example
 * if (await canAuthenticateWithPasskey()) showPasskeySignInButton();
 */
export async function canAuthenticateWithPasskey(): Promise<boolean> {
  return browserSupportsWebAuthn();
}

/**
 * Whether the browser offers passkeys in an input's autofill (conditional mediation).
 *
 * @example
 * if (await canUseConditionalMediation()) flex.passkey.authenticate({ isConditionalMediation: true });
 */
export async function canUseConditionalMediation(): Promise<boolean> {
  try {
    return await browserSupportsWebAuthnAutofill();
  } catch {
    return false;
  }
}
