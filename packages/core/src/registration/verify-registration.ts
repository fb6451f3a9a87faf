import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { verifyRegistrationResponse } from '@simplewebauthn/server';
import { cose, decodeCredentialPublicKey, isoBase64URL } from '@simplewebauthn/server/helpers';
import type { AppRecord } from '../apps/app-port.ts';
import { ceremonyOrigins } from '../apps/ceremony-origins.ts';
import { ALGORITHMS } from '../apps/policy.ts';
import type { AuditFacts } from '../audit/audit-events.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { checkAuthenticator } from '../authenticators/check-authenticator.ts';
import type { CeremonyFacts } from '../ceremonies/ceremony-audit.ts';
import type { CeremonyRecord } from '../ceremonies/ceremony-port.ts';
import { checkAuthenticatorData } from '../ceremonies/check-authenticator-data.ts';
import { checkClientData } from '../ceremonies/check-client-data.ts';
import type { CredentialInsertOutcome, CredentialRecord } from '../credentials/credential-port.ts';
import { prfEnabled } from '../credentials/prf.ts';
import { type FailureReason, LatchkeyError } from '../errors.ts';
import { credentialTypeOf, defaultFriendlyName } from '../providers/providers.ts';
import { completeRecovery } from '../recovery/complete-recovery.ts';
import { newId, type Runtime, toBase64Url } from '../runtime.ts';
import type { UserRecord } from '../users/user-port.ts';
import {
  type AttestationObjectProblem,
  decodeWholeAttestationObject,
} from './attestation-object.ts';

/** WebAuthn L3 §5.1.3: a credential id is at most 1023 bytes. */
export const MAX_CREDENTIAL_ID_BYTES = 1023;

/** Options for {@link verifyRegistration}. */
export interface VerifyRegistrationOptions {
  app: AppRecord;
  /** The ceremony, already burnt by `burnCeremony`. */
  ceremony: CeremonyRecord;
  response: RegistrationResponseJSON;
  /** Told of the user and credential as soon as they are known, for the failure's audit event. */
  note?: (facts: CeremonyFacts) => void;
}

/** A verified and stored new credential. */
export interface VerifiedRegistration {
  user: UserRecord;
  credential: CredentialRecord;
  /** The user's passkeys an account recovery revoked with it; empty for any other registration. */
  revoked: CredentialRecord[];
}

const ATTESTATION_OBJECT_MESSAGES: Record<AttestationObjectProblem, string> = {
  malformed: 'attestationObject is malformed',
  not_a_map: 'attestationObject is not a CBOR map',
  trailing_bytes: 'attestationObject has bytes after its CBOR map',
};

function reject(reason: FailureReason, message: string): never {
  throw new LatchkeyError('registration_rejected', message, { reason });
}

/**
 * Verifies an attestation against a burnt ceremony (WebAuthn L3 §7.1), whatever product issued it:
 * client data, authenticator data and flags against the app's origins, RP ID and policy, the
 * attested algorithm, discoverability and attestation requirements, and the attestation itself;
 * then stores the credential with its counter and backup flags and records
 * `credential.registered`. A registration begun before the user's account was recovered is
 * refused (`superseded_by_recovery`); an account recovery's own stores its passkey through
 * {@link completeRecovery}. What follows (a nonce, an action's state) is the caller's.
 *
 * @example
 * const { credential } = await verifyRegistration(runtime, { app, ceremony, response });
 */
export async function verifyRegistration(
  runtime: Runtime,
  options: VerifyRegistrationOptions,
  context?: RequestContext,
): Promise<VerifiedRegistration> {
  const { app, ceremony } = options;
  const note = options.note ?? (() => undefined);
  const userId = ceremony.userId;
  if (!userId) return reject('malformed_response', 'registration ceremony has no user');
  note({ userId });
  const user = await runtime.store.users.findById(app.id, userId);
  if (!user) return reject('malformed_response', 'registration user no longer exists');
  const { response } = options;
  const { policy } = app;

  checkClientData({
    clientDataJSON: response.response.clientDataJSON,
    expectedType: 'webauthn.create',
    challenge: ceremony.challenge,
    origins: ceremonyOrigins(app),
    allowCrossOrigin: policy.allowCrossOrigin,
    errorCode: 'registration_rejected',
  });

  const decoded = decodeWholeAttestationObject(
    isoBase64URL.toBuffer(response.response.attestationObject),
  );
  if ('problem' in decoded) {
    return reject('malformed_response', ATTESTATION_OBJECT_MESSAGES[decoded.problem]);
  }
  const { attestation } = decoded;
  const fmt = attestation.get('fmt');
  const authData = attestation.get('authData');
  if (!(authData instanceof Uint8Array)) {
    return reject('malformed_response', 'attestationObject has no authenticator data');
  }
  const parsed = checkAuthenticatorData({
    authData,
    rpId: app.rpId,
    userVerificationRequired: ceremony.userVerificationRequired,
    conditionalCreate: ceremony.conditional,
    errorCode: 'registration_rejected',
  });
  if (!parsed.flags.at || !parsed.credentialID || !parsed.credentialPublicKey || !parsed.aaguid) {
    return reject('malformed_response', 'authenticator data has no attested credential');
  }
  if (parsed.credentialID.byteLength > MAX_CREDENTIAL_ID_BYTES) {
    return reject('credential_too_long', 'credential id is longer than 1023 bytes');
  }
  const credentialId = toBase64Url(parsed.credentialID);
  // The id the client reports must be the id the authenticator attested.
  if (response.id !== credentialId || response.rawId !== credentialId) {
    return reject('credential_id_mismatch', 'credential id does not match the attested one');
  }
  // §7.1 step 20: the algorithm must be one the app offered, checked on the key actually attested.
  let algorithm: unknown;
  try {
    algorithm = decodeCredentialPublicKey(parsed.credentialPublicKey).get(cose.COSEKEYS.alg);
  } catch {
    return reject('malformed_response', 'credential public key is malformed');
  }
  const allowed = policy.algorithms.map((name) => ALGORITHMS[name] as number);
  if (typeof algorithm !== 'number' || !allowed.includes(algorithm)) {
    return reject('algorithm_not_allowed', 'credential algorithm is not allowed for this app');
  }
  // credProps is the client's report; where it says the key is not discoverable, believe it.
  if (
    policy.residentKey === 'required' &&
    response.clientExtensionResults?.credProps?.rk === false
  ) {
    return reject('resident_key_missing', 'a discoverable credential (passkey) is required');
  }
  if ((policy.attestation === 'direct' || policy.attestation === 'enterprise') && fmt === 'none') {
    return reject('attestation_missing', 'this app requires an attestation statement');
  }

  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: ceremony.challenge,
      expectedOrigin: ceremonyOrigins(app),
      expectedRPID: app.rpId,
      // Security row 4: presence may be missing only from a conditional create, already checked.
      requireUserPresence: !ceremony.conditional,
      requireUserVerification: ceremony.userVerificationRequired,
      supportedAlgorithmIDs: allowed,
    });
  } catch (cause) {
    throw new LatchkeyError('registration_rejected', 'attestation does not verify', {
      reason: 'attestation_invalid',
      cause,
    });
  }
  if (!verification.verified) return reject('attestation_invalid', 'attestation does not verify');
  const { aaguidAttested } = await checkAuthenticator(runtime, {
    policy,
    aaguid: verification.registrationInfo.aaguid,
    backupEligible: parsed.flags.be,
    x5c: attestationCertificates(attestation.get('attStmt')),
  });

  const now = runtime.now();
  const transports = [
    ...new Set([...(response.response.transports ?? [])].filter((t) => typeof t === 'string')),
  ];
  const attachment = response.authenticatorAttachment ?? null;
  const aaguid = verification.registrationInfo.aaguid;
  const type = credentialTypeOf({ backupEligible: parsed.flags.be, attachment, transports });
  const credential: CredentialRecord = {
    id: newId(runtime),
    appId: app.id,
    userId,
    credentialId,
    publicKey: toBase64Url(parsed.credentialPublicKey),
    algorithm,
    counter: parsed.counter,
    transports,
    aaguid,
    backupEligible: parsed.flags.be,
    backupState: parsed.flags.bs,
    attachment,
    type,
    friendlyName: defaultFriendlyName(aaguid, type),
    createdAt: now,
    updatedAt: now,
    lastUsedAt: null,
    usageCount: 0,
    aaguidAttested,
    createdByUpgrade: ceremony.conditional,
    prfEnabled: prfEnabled(response.clientExtensionResults),
  };
  const registered: AuditFacts = {
    type: 'credential.registered',
    appId: app.id,
    userId,
    credentialId: credential.id,
    data: {
      aaguid,
      type,
      backupEligible: credential.backupEligible,
      fmt,
      aaguidAttested,
      ...(credential.createdByUpgrade ? { upgrade: true } : {}),
      ...(credential.prfEnabled ? { prfEnabled: true } : {}),
      ...(ceremony.recovery ? { recovery: true } : {}),
    },
  };
  if (ceremony.recovery) {
    const { outcome, revoked } = await completeRecovery(
      runtime,
      { ceremony, recovery: ceremony.recovery, credential, registered },
      context,
    );
    refuseUnstored(outcome);
    note({ credentialId: credential.id });
    return { user, credential, revoked };
  }
  refuseUnstored(
    await runtime.store.credentials.insertFromCeremony(credential, ceremony.createdAt),
  );
  note({ credentialId: credential.id });
  await recordEvent(runtime, context, registered);
  return { user, credential, revoked: [] };
}

/** Throws the refusal of a credential the store did not keep. */
function refuseUnstored(outcome: CredentialInsertOutcome): void {
  // Security row 6: a credential id belongs to one user of one app; the unique index decides races.
  if (outcome === 'exists') {
    throw new LatchkeyError('credential_already_registered', 'credential is already registered', {
      reason: 'credential_exists',
    });
  }
  // A recovery revoked the user's passkeys after this ceremony began: what it began with (a
  // session, a token) may have been the attacker's, so its passkey must not outlive the recovery.
  if (outcome === 'superseded') {
    reject('superseded_by_recovery', "the user's account was recovered meanwhile");
  }
}

/** The x5c of an attestation statement (DER certificates, leaf first), or none. */
function attestationCertificates(attStmt: unknown): Uint8Array[] {
  if (!(attStmt instanceof Map)) return [];
  const x5c: unknown = attStmt.get('x5c');
  if (!Array.isArray(x5c)) return [];
  return x5c.filter((cert): cert is Uint8Array => cert instanceof Uint8Array);
}
