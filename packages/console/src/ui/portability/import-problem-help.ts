import { explainCode } from '../audit/failure-help.ts';

/**
 * What each reason an import leaves a user or passkey out means, in a sentence, for the import
 * report. Apart from `FAILURE_HELP` because some codes are shared with the ceremonies
 * (`rp_id_mismatch`, `algorithm_not_allowed`) and mean another thing here. A test checks every
 * import problem the server reports has one.
 */
export const IMPORT_PROBLEM_HELP: Record<string, string> = {
  malformed_entry:
    'the entry is not an object of the expected shape (not JSON, or passkeys that are not a list of at most 100)',
  external_id_invalid:
    'the user id is missing, empty, longer than 256 characters or has control characters',
  display_name_invalid: 'the display name is not text of at most 256 characters',
  user_handle_invalid: 'the WebAuthn user handle is not base64url of 1 to 64 bytes',
  user_handle_taken: 'another user of this app has this user handle, so the user was left out',
  credential_id_invalid: 'the credential id is not base64url, is empty, or is over 1023 bytes',
  rp_id_mismatch:
    'the passkey was registered for another RP ID than this app’s, so it could never sign in here',
  clone_flagged: 'the other server flagged this passkey as possibly cloned',
  public_key_malformed: 'the public key is not a usable COSE key',
  algorithm_unsupported: 'the key’s algorithm is one latchkey does not verify (ES384, PS256…)',
  algorithm_mismatch: 'the algorithm named beside the key is not the key’s own',
  algorithm_not_allowed: 'this app’s policy does not allow the key’s algorithm',
  counter_invalid: 'the signature counter is missing or not a whole number from 0 to 2^32 − 1',
  backup_flags_invalid:
    'backup eligibility is missing, or the passkey is backed up while not backup eligible',
  aaguid_invalid: 'the AAGUID is not a lower-case UUID',
  transports_invalid: 'the transports are not a list of WebAuthn transports',
  field_invalid: 'a time, name, type, attachment or count cannot be read',
  credential_id_taken:
    'this app has the credential id already, for another user or with another public key',
  credential_in_other_app:
    'another app on this server has this passkey; a passkey is never copied across apps',
};

/**
 * What an import problem means, with the code: "the public key is not a usable COSE key
 * (public_key_malformed)". An unknown code is shown as it is.
 *
 * @example
 * explainImportProblem('counter_invalid');
 */
export function explainImportProblem(reason: string): string {
  return explainCode(IMPORT_PROBLEM_HELP, reason);
}
