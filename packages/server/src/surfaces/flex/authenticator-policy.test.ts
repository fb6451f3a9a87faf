/**
 * Authenticator policy (docs/security.md, "Authenticator policy"): FIDO MDS3 blobs verified up to
 * a trusted root, status reports, attestation chained to the metadata statement's roots, AAGUID
 * allow and deny lists, and device-bound-only apps; each over HTTP with the software
 * authenticator and a metadata PKI made by the test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createTestRoot,
  issueAttestationCertificate,
  issueMetadataSigner,
  type MetadataSigner,
  metadataEntry,
  metadataStatement,
  SoftwareAuthenticator,
  type SoftwareAuthenticatorOptions,
  signMetadataBlob,
  type TestCertificateAuthority,
} from '@latchkey/authenticator';
import {
  type AppPolicy,
  authenticatorMetadataStatus,
  createRuntime,
  isLatchkeyError,
  loadAuthenticatorMetadata,
} from '@latchkey/core';
import {
  auditEvents,
  databases,
  finishRegister,
  type Harness,
  ORIGIN,
  openHarness,
  registerTransaction,
  startRegister,
} from '../../testing/harness.ts';

const KEY_AAGUID = '5ca1ab1e-0000-4000-8000-00000000a001';
const OTHER_AAGUID = '5ca1ab1e-0000-4000-8000-00000000b002';

interface Pki {
  mdsRoot: TestCertificateAuthority;
  signer: MetadataSigner;
  attestationRoot: TestCertificateAuthority;
  strangerRoot: TestCertificateAuthority;
}

for (const db of databases()) {
  describe(`authenticator policy (${db.name})`, () => {
    let h: Harness;
    let pki: Pki;
    let serial = 0;
    before(async () => {
      h = await openHarness(db);
      const mdsRoot = await createTestRoot('CN=Latchkey Test MDS Root');
      pki = {
        mdsRoot,
        signer: await issueMetadataSigner(mdsRoot),
        attestationRoot: await createTestRoot('CN=Latchkey Test Attestation Root'),
        strangerRoot: await createTestRoot('CN=Someone Else Root'),
      };
    });
    after(async () => {
      await h.close();
    });

    /** Loads a blob listing the test key (attesting to `attestationRoot`) with `status`. */
    async function loadBlob(status = 'FIDO_CERTIFIED_L1', nextUpdate = '2099-01-01') {
      serial += 1;
      const blob = signMetadataBlob({
        signer: pki.signer,
        no: serial,
        nextUpdate,
        entries: [
          metadataEntry({
            aaguid: KEY_AAGUID,
            status,
            statement: metadataStatement({
              aaguid: KEY_AAGUID,
              description: 'Latchkey Test Key',
              roots: [pki.attestationRoot.base64],
            }),
          }),
        ],
      });
      return loadAuthenticatorMetadata(h.runtime, { blob, trustedRoots: [pki.mdsRoot.pem] });
    }

    /** A security key of the test model whose attestation chains to `root`. */
    async function securityKey(
      root: TestCertificateAuthority | null,
      options: SoftwareAuthenticatorOptions = {},
    ): Promise<SoftwareAuthenticator> {
      return new SoftwareAuthenticator({
        aaguid: KEY_AAGUID,
        backupEligible: false,
        attachment: 'cross-platform',
        transports: ['usb'],
        ...(root
          ? {
              attestationCertificate: await issueAttestationCertificate({
                root,
                aaguid: KEY_AAGUID,
              }),
            }
          : {}),
        ...options,
      });
    }

    async function register(
      externalId: string,
      authenticator: SoftwareAuthenticator,
      app: { id: string; apiKey: string } = h.app,
    ) {
      const started = await startRegister(
        h,
        await registerTransaction(h, externalId, app.id, app.apiKey),
        app.id,
      );
      const response = await authenticator.createCredential({
        options: started.options,
        origin: ORIGIN,
        attestation: 'packed',
      });
      return finishRegister(h, started, response, app.id);
    }

    async function refusedWith(
      res: Awaited<ReturnType<typeof register>>,
      reason: string,
      appId: string,
    ): Promise<void> {
      assert.equal(res.statusCode, 400, res.body);
      const failed = await auditEvents(h, 'ceremony.failed', appId);
      assert.equal(failed[0]?.reason, reason);
    }

    async function devices(externalId: string, app = h.app) {
      const user = await h.store.users.findByExternalId(app.id, externalId);
      if (!user) return [];
      const res = await h.manage('GET', `/users/${user.id}/devices`, undefined, {
        appId: app.id,
        apiKey: app.apiKey,
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json().devices as Array<Record<string, unknown>>;
    }

    async function appWith(policy: Partial<AppPolicy>) {
      return h.newApp({ policy });
    }

    it('marks an AAGUID attested when the attestation chains to its statement root', async () => {
      await loadBlob();
      const res = await register('attested', await securityKey(pki.attestationRoot));
      assert.equal(res.statusCode, 200, res.body);
      const [device] = await devices('attested');
      assert.equal(device?.aaguid, KEY_AAGUID);
      assert.equal(device?.aaguid_attested, true);
    });

    it('keeps a self-attested AAGUID as self-reported', async () => {
      const res = await register('self-reported', await securityKey(null));
      assert.equal(res.statusCode, 200, res.body);
      const [device] = await devices('self-reported');
      assert.equal(device?.aaguid_attested, false);
    });

    it('refuses an attestation that does not chain to the statement roots', async () => {
      const res = await register('stranger', await securityKey(pki.strangerRoot));
      await refusedWith(res, 'attestation_untrusted', h.app.id);
      assert.deepEqual(await devices('stranger'), []);
    });

    it('refuses a self-reported AAGUID where the app requires an attested one', async () => {
      const app = await appWith({ attestation: 'direct', requireAttestedAuthenticator: true });
      await refusedWith(
        await register('needs-attested', await securityKey(null), app),
        'attestation_unverified',
        app.id,
      );
      assert.equal(
        (await register('has-attested', await securityKey(pki.attestationRoot), app)).statusCode,
        200,
      );
    });

    it('refuses an AAGUID on the deny list', async () => {
      const app = await appWith({ aaguidDenyList: [KEY_AAGUID.toUpperCase()] });
      await refusedWith(
        await register('denied', await securityKey(null), app),
        'aaguid_denied',
        app.id,
      );
    });

    it('refuses an AAGUID missing from a non-empty allow list', async () => {
      const app = await appWith({ aaguidAllowList: [OTHER_AAGUID] });
      await refusedWith(
        await register('not-allowed', await securityKey(null), app),
        'aaguid_not_allowed',
        app.id,
      );
      const listed = await securityKey(null, { aaguid: OTHER_AAGUID });
      assert.equal((await register('allowed', listed, app)).statusCode, 200);
    });

    it('refuses a synced passkey (BE=1) where the app accepts only device-bound ones', async () => {
      const app = await appWith({ deviceBinding: 'device-bound-only' });
      await refusedWith(
        await register('synced', new SoftwareAuthenticator({ backupEligible: true }), app),
        'synced_not_allowed',
        app.id,
      );
      const bound = new SoftwareAuthenticator({ backupEligible: false });
      assert.equal((await register('bound', bound, app)).statusCode, 200);
    });

    it('refuses an authenticator reported revoked, once a newer blob is loaded anywhere', async () => {
      // Another instance loads the newer blob: this server picks it up without a restart.
      const other = createRuntime({ store: h.store, now: h.clock.now });
      serial += 1;
      const revoked = signMetadataBlob({
        signer: pki.signer,
        no: serial,
        nextUpdate: '2099-01-01',
        entries: [metadataEntry({ aaguid: KEY_AAGUID, status: 'REVOKED' })],
      });
      await loadAuthenticatorMetadata(other, { blob: revoked, trustedRoots: [pki.mdsRoot.pem] });
      await refusedWith(
        await register('revoked', await securityKey(pki.attestationRoot)),
        'authenticator_compromised',
        h.app.id,
      );
      for (const status of ['USER_VERIFICATION_BYPASS', 'USER_KEY_PHYSICAL_COMPROMISE']) {
        await loadBlob(status);
        await refusedWith(
          await register(`compromised-${status}`, await securityKey(pki.attestationRoot)),
          'authenticator_compromised',
          h.app.id,
        );
      }
      await loadBlob();
    });

    it('refuses a blob whose signature does not verify', async () => {
      const blob = signMetadataBlob({
        signer: pki.signer,
        no: 1000,
        nextUpdate: '2099-01-01',
        entries: [],
      });
      const [header, payload, signature] = blob.split('.');
      const forged = Buffer.from(payload ?? '', 'base64url')
        .toString()
        .replace('1000', '1001');
      const tampered = `${header}.${Buffer.from(forged).toString('base64url')}.${signature}`;
      await assert.rejects(
        loadAuthenticatorMetadata(h.runtime, { blob: tampered, trustedRoots: [pki.mdsRoot.pem] }),
        (error) => isLatchkeyError(error, 'invalid_request') && /signature/.test(error.message),
      );
    });

    it('refuses a blob whose chain does not lead to a trusted root', async () => {
      const blob = signMetadataBlob({
        signer: pki.signer,
        no: 2000,
        nextUpdate: '2099-01-01',
        entries: [],
      });
      // The FIDO Alliance's root is the default: a privately signed blob does not chain to it.
      for (const trustedRoots of [[pki.strangerRoot.pem], undefined]) {
        await assert.rejects(
          loadAuthenticatorMetadata(h.runtime, { blob, ...(trustedRoots ? { trustedRoots } : {}) }),
          (error) => isLatchkeyError(error, 'invalid_request') && /chain/.test(error.message),
        );
      }
    });

    it('refuses a blob whose number is not above the loaded one', async () => {
      const old = signMetadataBlob({
        signer: pki.signer,
        no: 1,
        nextUpdate: '2099-01-01',
        entries: [],
      });
      await assert.rejects(
        loadAuthenticatorMetadata(h.runtime, { blob: old, trustedRoots: [pki.mdsRoot.pem] }),
        (error) => isLatchkeyError(error, 'invalid_request') && /not above/.test(error.message),
      );
    });

    it('reports a blob past its nextUpdate as stale', async () => {
      const loaded = await loadBlob('FIDO_CERTIFIED_L1', '2026-01-01');
      assert.equal(loaded.stale, true);
      assert.equal((await authenticatorMetadataStatus(h.runtime))?.serial, loaded.serial);
      assert.equal((await loadBlob()).stale, false);
    });
  });
}
