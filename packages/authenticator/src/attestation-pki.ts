/**
 * Attestation and metadata PKI for tests of attestation verification: a root CA, an attestation
 * certificate issued by it (as a security key's maker provisions one), and FIDO MDS3-shaped blobs
 * signed by a metadata signer chained to a root of the test's own. Certificates are made with
 * `@peculiar/x509`; nothing here is meant for production keys.
 */
import { createSign, KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { AttestationCertificate } from './attestation.ts';
import { aaguidToBytes } from './authenticator-data.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 60 * 60 * 1000;
/** FIDO's id-fido-gen-ce-aaguid: the AAGUID in an attestation certificate. */
const ID_FIDO_GEN_CE_AAGUID = '1.3.6.1.4.1.45724.1.1.4';

/** A certificate authority: its certificate (DER and PEM) and its signing key. */
export interface TestCertificateAuthority {
  der: Uint8Array;
  pem: string;
  /** Standard base64 of the DER, the form FIDO metadata statements list roots in. */
  base64: string;
  certificate: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

async function ecKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
}

function describe(
  certificate: x509.X509Certificate,
  keys: webcrypto.CryptoKeyPair,
): TestCertificateAuthority {
  const der = new Uint8Array(certificate.rawData);
  return {
    der,
    pem: certificate.toString('pem'),
    base64: Buffer.from(der).toString('base64'),
    certificate,
    keys,
  };
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
    .toString('hex')
    .replace(/^0/, '1');
}

/**
 * A self-signed root CA, valid from a day ago for a year.
 *
 * @example
 * const root = await createTestRoot('CN=Test Attestation Root');
 */
export async function createTestRoot(name: string): Promise<TestCertificateAuthority> {
  const keys = await ecKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: EC,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return describe(certificate, keys);
}

async function issue(
  issuer: TestCertificateAuthority,
  subject: string,
  extensions: x509.Extension[],
): Promise<{ certificate: x509.X509Certificate; keys: webcrypto.CryptoKeyPair }> {
  const keys = await ecKeys();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: issuer.certificate.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: EC,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
      ...extensions,
    ],
  });
  return { certificate, keys };
}

/**
 * An attestation certificate for `aaguid` issued by `root`, meeting FIDO's packed attestation
 * certificate requirements, with its key: what `SoftwareAuthenticator`'s `attestationCertificate`
 * takes.
 *
 * @example
 * const root = await createTestRoot('CN=Test Attestation Root');
 * const authenticator = new SoftwareAuthenticator({ aaguid, attestationCertificate: await issueAttestationCertificate({ root, aaguid }) });
 */
export async function issueAttestationCertificate(options: {
  root: TestCertificateAuthority;
  aaguid: string;
}): Promise<AttestationCertificate> {
  // extnValue is the DER OCTET STRING holding the 16 AAGUID bytes.
  const aaguidValue = new Uint8Array([0x04, 0x10, ...aaguidToBytes(options.aaguid)]);
  const { certificate, keys } = await issue(
    options.root,
    'C=US, O=Latchkey Test Authenticators, OU=Authenticator Attestation, CN=Latchkey Test Key',
    [new x509.Extension(ID_FIDO_GEN_CE_AAGUID, false, aaguidValue)],
  );
  return {
    privateKey: KeyObject.from(keys.privateKey),
    chain: [new Uint8Array(certificate.rawData)],
    algorithm: 'ES256',
  };
}

/** A metadata signer: its key and certificate chain (DER, leaf first), as the JWS header's x5c. */
export interface MetadataSigner {
  privateKey: KeyObject;
  chain: Uint8Array[];
}

/**
 * A metadata signing certificate issued by `root`, like the FIDO Alliance's MDS signer.
 *
 * @example
 * const signer = await issueMetadataSigner(await createTestRoot('CN=Test MDS Root'));
 */
export async function issueMetadataSigner(root: TestCertificateAuthority): Promise<MetadataSigner> {
  const { certificate, keys } = await issue(
    root,
    'C=US, O=Latchkey Test, CN=Test Metadata Signer',
    [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  );
  return {
    privateKey: KeyObject.from(keys.privateKey),
    chain: [new Uint8Array(certificate.rawData)],
  };
}

/**
 * A FIDO2 metadata statement for a test authenticator whose attestation chains to `roots`.
 *
 * @example
 * metadataStatement({ aaguid, description: 'Test Key', roots: [root.base64] })
 */
export function metadataStatement(options: {
  aaguid: string;
  description: string;
  /** Standard base64 DER certificates. */
  roots: string[];
}): Record<string, unknown> {
  return {
    aaguid: options.aaguid,
    description: options.description,
    authenticatorVersion: 1,
    protocolFamily: 'fido2',
    schema: 3,
    upv: [{ major: 1, minor: 1 }],
    authenticationAlgorithms: ['secp256r1_ecdsa_sha256_raw'],
    publicKeyAlgAndEncodings: ['cose'],
    attestationTypes: ['basic_full'],
    userVerificationDetails: [[{ userVerificationMethod: 'passcode_internal' }]],
    keyProtection: ['hardware', 'secure_element'],
    matcherProtection: ['on_chip'],
    tcDisplay: [],
    attestationRootCertificates: options.roots,
  };
}

/**
 * A FIDO MDS3-shaped blob: a compact JWS (ES256) of `{legalHeader, no, nextUpdate, entries}` with
 * the signer's chain in its x5c header.
 *
 * @example
 * const blob = signMetadataBlob({ signer, no: 1, nextUpdate: '2099-01-01', entries: [entry] });
 */
export function signMetadataBlob(options: {
  signer: MetadataSigner;
  no: number;
  nextUpdate: string;
  entries: Record<string, unknown>[];
}): string {
  const header = {
    alg: 'ES256',
    typ: 'JWT',
    x5c: options.signer.chain.map((der) => Buffer.from(der).toString('base64')),
  };
  const payload = {
    legalHeader: 'Test metadata for latchkey tests only.',
    no: options.no,
    nextUpdate: options.nextUpdate,
    entries: options.entries,
  };
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${part(header)}.${part(payload)}`;
  // JWS ES256 (RFC 7518 §3.4) carries the signature as raw r || s, not DER.
  const signature = createSign('sha256')
    .update(signingInput)
    .sign({ key: options.signer.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/**
 * A metadata entry with a status report, as the FIDO MDS lists each authenticator.
 *
 * @example
 * metadataEntry({ aaguid, statement, status: 'REVOKED' })
 */
export function metadataEntry(options: {
  aaguid: string;
  statement?: Record<string, unknown>;
  status?: string;
}): Record<string, unknown> {
  return {
    aaguid: options.aaguid,
    ...(options.statement ? { metadataStatement: options.statement } : {}),
    statusReports: [{ status: options.status ?? 'FIDO_CERTIFIED_L1', effectiveDate: '2026-01-01' }],
    timeOfLastStatusChange: '2026-01-01',
  };
}
