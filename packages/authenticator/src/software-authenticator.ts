import { randomBytes } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import {
  type AttestationCertificate,
  type AttestationFormatName,
  buildAttestationObject,
  corruptBytes,
} from './attestation.ts';
import { aaguidToBytes, buildAuthenticatorData } from './authenticator-data.ts';
import { concatBytes, toBase64URL } from './bytes.ts';
import {
  buildCeremonyClientData,
  decideUserVerification,
  defaultRpId,
  resolveRpIdHash,
  selectAlgorithm,
  selectCredential,
} from './ceremony.ts';
import { encodeCOSEPublicKey } from './cose-key.ts';
import { webAuthnError } from './errors.ts';
import {
  type AlgorithmName,
  COSE_ALGORITHM_IDS,
  generateCredentialKeyPair,
  signData,
} from './keys.ts';
import type { AssertionOverrides, RegistrationOverrides } from './overrides.ts';
import {
  assembleAssertionResponse,
  assembleRegistrationResponse,
  type RegistrationResult,
} from './responses.ts';
import {
  copyStoredCredential,
  type ExportedCredential,
  exportStoredCredential,
  importStoredCredential,
  type StoredCredential,
} from './stored-credential.ts';

/** How an authenticator's options shape every credential it makes. */
export interface SoftwareAuthenticatorOptions {
  /** AAGUID as a UUID string (default all zeros, like most synced passkey providers). */
  aaguid?: string;
  /** BE flag (default true: a synced passkey). */
  backupEligible?: boolean;
  /** BS flag (default: same as backupEligible). */
  backupState?: boolean;
  /** Whether it can do user verification (default true). */
  userVerification?: boolean;
  /** Reported `authenticatorAttachment` (default 'platform'). */
  attachment?: 'platform' | 'cross-platform';
  /** Reported transports (default ['internal', 'hybrid']). */
  transports?: string[];
  /** 'increment' (default) counts assertions; 'zero' always sends 0, like synced passkeys. */
  counter?: 'increment' | 'zero';
  /**
   * The attestation key and certificate chain a `packed` attestation is made with (a full, basic
   * attestation with `x5c`); without it `packed` is a self attestation.
   */
  attestationCertificate?: AttestationCertificate;
}

/**
 * A software WebAuthn authenticator with the browser's client-data part: turns server options
 * JSON into response JSON exactly like `navigator.credentials.create()/get()` + `toJSON()`,
 * with every field forgeable through `overrides`.
 *
 * @example
 * const authenticator = new SoftwareAuthenticator();
 * const registration = await authenticator.createCredential({ options: creationOptions, origin });
 * const assertion = await authenticator.getAssertion({ options: requestOptions, origin });
 */
export class SoftwareAuthenticator {
  readonly #aaguid: Uint8Array;
  readonly #backupEligible: boolean;
  readonly #backupState: boolean;
  readonly #userVerification: boolean;
  readonly #attachment: 'platform' | 'cross-platform';
  readonly #transports: string[];
  readonly #counter: 'increment' | 'zero';
  readonly #attestationCertificate: AttestationCertificate | undefined;
  readonly #credentials = new Map<string, StoredCredential>();

  constructor(options: SoftwareAuthenticatorOptions = {}) {
    this.#aaguid = aaguidToBytes(options.aaguid ?? '00000000-0000-0000-0000-000000000000');
    this.#backupEligible = options.backupEligible ?? true;
    this.#backupState = options.backupState ?? this.#backupEligible;
    this.#userVerification = options.userVerification ?? true;
    this.#attachment = options.attachment ?? 'platform';
    this.#transports = [...(options.transports ?? ['internal', 'hybrid'])];
    this.#counter = options.counter ?? 'increment';
    this.#attestationCertificate = options.attestationCertificate;
  }

  /**
   * Makes and stores a credential, like `navigator.credentials.create()`.
   * Rejects with `InvalidStateError` when a credential in `excludeCredentials` is stored here for
   * the same RP, and `NotSupportedError` when no requested algorithm is supported.
   *
   * @example
   * const response = await authenticator.createCredential({
   *   options, origin: 'https://example.com', algorithm: 'EdDSA', attestation: 'packed',
   * });
   * response.credential.id; // the stored credential
   */
  async createCredential(options: {
    options: PublicKeyCredentialCreationOptionsJSON;
    origin: string;
    algorithm?: AlgorithmName;
    attestation?: AttestationFormatName;
    overrides?: RegistrationOverrides;
  }): Promise<RegistrationResult> {
    const { options: creation, origin, overrides } = options;
    const rpId = creation.rp.id ?? defaultRpId(origin);
    for (const excluded of creation.excludeCredentials ?? []) {
      if (this.#credentials.get(excluded.id)?.rpId === rpId) {
        throw webAuthnError('InvalidStateError', 'A credential in excludeCredentials is present');
      }
    }
    const algorithm = options.algorithm ?? selectAlgorithm(creation.pubKeyCredParams);
    const uv = decideUserVerification({
      requirement: creation.authenticatorSelection?.userVerification,
      capable: this.#userVerification,
      overrides,
    });
    const { privateKey, publicKey } = generateCredentialKeyPair(algorithm);
    const credentialId = overrides?.credentialId ?? toBase64URL(randomBytes(32));
    const claimedAlgorithm = overrides?.algorithmOverride ?? COSE_ALGORITHM_IDS[algorithm];
    const cosePublicKey = encodeCOSEPublicKey({ publicKey, algorithm });
    const signCount = overrides?.signCount ?? 0;
    const authData = buildAuthenticatorData({
      rpIdHash: resolveRpIdHash(rpId, overrides),
      flags: { ...this.#flags(uv), ...overrides?.flags },
      signCount,
      attestedCredentialData: {
        aaguid: this.#aaguid,
        credentialId: isoBase64URL.toBuffer(credentialId),
        publicKey: encodeCOSEPublicKey({ publicKey, algorithm, claimedAlgorithm }),
      },
    });
    const clientData = buildCeremonyClientData({
      type: 'webauthn.create',
      challenge: creation.challenge,
      origin,
      overrides,
    });
    const attestationObject = buildAttestationObject({
      format: options.attestation ?? 'none',
      authData,
      clientDataHash: clientData.hash,
      privateKey,
      algorithm,
      coseAlgorithm: claimedAlgorithm,
      corruptSignature: overrides?.corruptSignature ?? false,
      ...(this.#attestationCertificate ? { certificate: this.#attestationCertificate } : {}),
    });

    const transports = [...(overrides?.transports ?? this.#transports)];
    const stored: StoredCredential = {
      id: credentialId,
      rpId,
      userHandle: creation.user.id,
      userName: creation.user.name,
      signCount,
      algorithm,
      coseAlgorithm: COSE_ALGORITHM_IDS[algorithm],
      privateKey,
      publicKey,
      cosePublicKey,
      transports,
    };
    this.#credentials.set(credentialId, stored);

    return assembleRegistrationResponse({
      credentialId,
      clientDataJSON: clientData.json,
      attestationObject,
      authData,
      transports,
      claimedAlgorithm,
      publicKey,
      attachment: this.#attachment,
      overrides,
      stored: copyStoredCredential(stored),
    });
  }

  /**
   * Signs an assertion, like `navigator.credentials.get()`. Uses `credentialId` when given (even
   * for another RP, to allow forging), else the first credential stored for the RP ID that
   * `allowCredentials` allows (any of the RP's when it is empty, i.e. discoverable login).
   * Rejects with `NotAllowedError` when none matches.
   *
   * @example
   * const response = await authenticator.getAssertion({
   *   options, origin: 'https://example.com', overrides: { flags: { uv: false } },
   * });
   */
  async getAssertion(options: {
    options: PublicKeyCredentialRequestOptionsJSON;
    origin: string;
    credentialId?: string;
    overrides?: AssertionOverrides;
  }): Promise<AuthenticationResponseJSON> {
    const { options: request, origin, overrides } = options;
    const rpId = request.rpId ?? defaultRpId(origin);
    const credential = selectCredential({
      credentials: this.#credentials,
      rpId,
      allowCredentials: request.allowCredentials,
      credentialId: options.credentialId,
    });
    const uv = decideUserVerification({
      requirement: request.userVerification,
      capable: this.#userVerification,
      overrides,
    });
    const signCount = this.#nextSignCount(credential, overrides?.signCount);
    const authData = buildAuthenticatorData({
      rpIdHash: resolveRpIdHash(rpId, overrides),
      flags: { ...this.#flags(uv), ...overrides?.flags },
      signCount,
    });
    const clientData = buildCeremonyClientData({
      type: 'webauthn.get',
      challenge: request.challenge,
      origin,
      overrides,
    });
    let signature = signData({
      algorithm: credential.algorithm,
      privateKey: credential.privateKey,
      data: concatBytes([authData, clientData.hash]),
    });
    if (overrides?.corruptSignature) signature = corruptBytes(signature);

    return assembleAssertionResponse({
      credential,
      clientDataJSON: clientData.json,
      authData,
      signature,
      attachment: this.#attachment,
      overrides,
    });
  }

  /**
   * Snapshots of the stored credentials (mutating them does not change the authenticator).
   *
   * @example
   * const [credential] = authenticator.credentials();
   */
  credentials(): StoredCredential[] {
    return [...this.#credentials.values()].map(copyStoredCredential);
  }

  /**
   * Exports a credential as JSON (PKCS#8 private key), e.g. to clone it into another
   * authenticator. Throws when the id is unknown.
   *
   * @example
   * other.importCredential(authenticator.exportCredential(credentialId));
   */
  exportCredential(id: string): ExportedCredential {
    const credential = this.#credentials.get(id);
    if (!credential) throw webAuthnError('NotAllowedError', `Unknown credential ${id}`);
    return exportStoredCredential(credential);
  }

  /**
   * Adds (or replaces, by id) a credential from its exported JSON.
   *
   * @example
   * authenticator.importCredential({ ...exported, signCount: 41 });
   */
  importCredential(credential: ExportedCredential): StoredCredential {
    const stored = importStoredCredential(credential);
    this.#credentials.set(stored.id, stored);
    return copyStoredCredential(stored);
  }

  /**
   * Deletes a credential; returns whether it existed.
   *
   * @example
   * authenticator.removeCredential(credentialId);
   */
  removeCredential(id: string): boolean {
    return this.#credentials.delete(id);
  }

  #flags(uv: boolean): { up: boolean; uv: boolean; be: boolean; bs: boolean } {
    return { up: true, uv, be: this.#backupEligible, bs: this.#backupState };
  }

  // An explicit counter is sent as is and remembered when it moves forward, so a later natural
  // assertion continues from it; 'zero' mode never advances the stored counter.
  #nextSignCount(credential: StoredCredential, forced: number | undefined): number {
    if (forced !== undefined) {
      credential.signCount = Math.max(credential.signCount, forced);
      return forced;
    }
    if (this.#counter === 'zero') return 0;
    credential.signCount += 1;
    return credential.signCount;
  }
}
