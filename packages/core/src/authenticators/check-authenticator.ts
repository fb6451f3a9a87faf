import { convertCertBufferToPEM, validateCertificatePath } from '@simplewebauthn/server/helpers';
import type { AppPolicy } from '../apps/policy.ts';
import { type FailureReason, LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { compromisedStatuses } from './metadata-blob.ts';
import { currentMetadata } from './metadata-cache.ts';

/** Options for {@link checkAuthenticator}. */
export interface CheckAuthenticatorOptions {
  policy: AppPolicy;
  /** The attested credential data's AAGUID (a UUID string). */
  aaguid: string;
  /** The BE flag of the authenticator data. */
  backupEligible: boolean;
  /**
   * The attestation statement's x5c (DER, leaf first), whose signature over the registration the
   * library has verified already; empty for `none` and self attestation.
   */
  x5c: Uint8Array[];
}

function reject(reason: FailureReason, message: string): never {
  throw new LatchkeyError('registration_rejected', message, { reason });
}

/**
 * The app's authenticator policy, applied to a registration whose attestation verified: device
 * binding (BE), the AAGUID deny and allow lists, FIDO metadata status reports, and the attestation
 * chain against the roots of the authenticator's metadata statement. Says whether the AAGUID is
 * attested (its chain leads to one of its statement's roots) or only self-reported.
 *
 * @example
 * const { aaguidAttested } = await checkAuthenticator(runtime, { policy, aaguid, backupEligible, x5c });
 */
export async function checkAuthenticator(
  runtime: Runtime,
  options: CheckAuthenticatorOptions,
): Promise<{ aaguidAttested: boolean }> {
  const { policy, backupEligible, x5c } = options;
  const aaguid = options.aaguid.toLowerCase();
  // WebAuthn L3 §6.1.3: BE=1 means the key may be synced to other devices.
  if (policy.deviceBinding === 'device-bound-only' && backupEligible) {
    return reject('synced_not_allowed', 'this app accepts only device-bound passkeys');
  }
  if (policy.aaguidDenyList.includes(aaguid)) {
    return reject('aaguid_denied', 'this authenticator model is not accepted by this app');
  }
  if (policy.aaguidAllowList.length > 0 && !policy.aaguidAllowList.includes(aaguid)) {
    return reject('aaguid_not_allowed', 'this authenticator model is not accepted by this app');
  }
  const entry = (await currentMetadata(runtime))?.entries.get(aaguid);
  // FIDO MDS3 §3.1.4: a compromised authenticator must not be trusted with new credentials.
  if (entry && compromisedStatuses(entry).length > 0) {
    return reject('authenticator_compromised', 'this authenticator model is reported compromised');
  }
  const statement = entry?.metadataStatement;
  let aaguidAttested = false;
  if (statement && x5c.length > 0) {
    const chain = x5c.map((cert) => convertCertBufferToPEM(new Uint8Array(cert)));
    const roots = (statement.attestationRootCertificates ?? []).map((cert) =>
      convertCertBufferToPEM(cert),
    );
    // An empty root list would make the library skip path validation: that proves nothing.
    if (roots.length === 0) {
      return reject('attestation_untrusted', "the authenticator's metadata names no root");
    }
    // FIDO MDS3: an x5c of one certificate listed as a root is the authenticator's own root.
    const selfReferencing = chain.length === 1 && roots.includes(chain[0] as string);
    if (!selfReferencing) {
      try {
        await validateCertificatePath(chain, roots);
      } catch {
        return reject(
          'attestation_untrusted',
          "the attestation does not chain to the authenticator's metadata roots",
        );
      }
    }
    aaguidAttested = true;
  }
  if (policy.requireAttestedAuthenticator && !aaguidAttested) {
    return reject(
      'attestation_unverified',
      'this app accepts only authenticators whose attestation verifies against FIDO metadata',
    );
  }
  return { aaguidAttested };
}
