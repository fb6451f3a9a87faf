/**
 * Why an entry or a passkey of an import was skipped: a closed list, in the order the checks run.
 * Each one is documented in docs/portability.md and has a test that makes it happen.
 */
export const IMPORT_PROBLEMS = [
  /** Not an object of the expected shape (a line that is not JSON, passkeys that are not a list). */
  'malformed_entry',
  /** The external id breaks the rule every entry point applies (`external-id.ts`). */
  'external_id_invalid',
  'display_name_invalid',
  /** Not base64url, or not 1 to 64 bytes (WebAuthn L3 §5.4.3 `user.id`). */
  'user_handle_invalid',
  /** Another user of the app has this WebAuthn user handle. */
  'user_handle_taken',
  /** Not base64url, empty, or longer than 1023 bytes. */
  'credential_id_invalid',
  /** Registered for another RP ID: such a key can never sign for this app. */
  'rp_id_mismatch',
  /** The other server flagged the passkey as possibly cloned (a counter went backwards). */
  'clone_flagged',
  /** Not base64url, not a COSE key, or not a usable public key. */
  'public_key_malformed',
  /** An algorithm latchkey does not verify. */
  'algorithm_unsupported',
  /** The algorithm named beside the key is not the one in the COSE key. */
  'algorithm_mismatch',
  /** An algorithm the app's policy does not allow. */
  'algorithm_not_allowed',
  /** Not a whole number from 0 to 2^32 − 1. */
  'counter_invalid',
  /** Backup eligibility missing, or backed up (BS=1) while not backup eligible (BE=0). */
  'backup_flags_invalid',
  'aaguid_invalid',
  'transports_invalid',
  /** A time, name, type, attachment or usage count that cannot be read. */
  'field_invalid',
  /** This app has the credential id for another user, or with another public key. */
  'credential_id_taken',
  /** Another app has this credential id; a passkey is not copied across apps. */
  'credential_in_other_app',
] as const;
export type ImportProblem = (typeof IMPORT_PROBLEMS)[number];
