import { createHash } from 'node:crypto';
import {
  type ParsedAuthenticatorData,
  parseAuthenticatorData,
} from '@simplewebauthn/server/helpers';
import { type FailureReason, LatchkeyError } from '../errors.ts';

/**
 * The authenticator-data checks common to both ceremonies (WebAuthn L3 §7.1 steps 14–18, §7.2
 * steps 15–18): RP ID hash, user presence, user verification and the backup flags.
 */
export function checkAuthenticatorData(options: {
  authData: Uint8Array<ArrayBuffer>;
  rpId: string;
  userVerificationRequired: boolean;
  /**
   * A conditional create (automatic passkey upgrade): the browser makes the passkey without asking
   * the person, so UP may be 0. Only a ceremony the app's backend created as an upgrade is one.
   */
  conditionalCreate?: boolean;
  errorCode: 'registration_rejected' | 'authentication_rejected';
}): ParsedAuthenticatorData {
  const fail = (reason: FailureReason, message: string): never => {
    throw new LatchkeyError(options.errorCode, message, { reason });
  };
  let parsed: ParsedAuthenticatorData;
  try {
    parsed = parseAuthenticatorData(options.authData);
  } catch {
    return fail('malformed_response', 'authenticator data is malformed');
  }
  const expectedHash = createHash('sha256').update(options.rpId).digest();
  if (!expectedHash.equals(Buffer.from(parsed.rpIdHash))) {
    return fail('rp_id_mismatch', 'authenticator data is for another RP ID');
  }
  // Step 15 / 16: user presence, always, except in a conditional create (§7.1 step 15 lets the
  // Relying Party skip it only where options.mediation was "conditional").
  if (!parsed.flags.up && options.conditionalCreate !== true) {
    return fail('user_not_present', 'the user was not present');
  }
  // Step 16 / 17: user verification where the policy or the ceremony requires it.
  if (options.userVerificationRequired && !parsed.flags.uv) {
    return fail('user_not_verified', 'user verification is required');
  }
  // §6.1 flags: a credential cannot be backed up (BS) without being backup eligible (BE).
  if (!parsed.flags.be && parsed.flags.bs) {
    return fail('backup_flags_invalid', 'backup state set on a credential that is not eligible');
  }
  return parsed;
}
