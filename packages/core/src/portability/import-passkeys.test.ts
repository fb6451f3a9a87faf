/**
 * importPasskeys and exportPasskeys on a real store (SQLite in memory): a round trip keeps every
 * field the sign-in checks need, a second run changes nothing, a dry run writes nothing, and each
 * check of an imported entry refuses its broken field.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  type AlgorithmName,
  encodeCOSEPublicKey,
  generateCredentialKeyPair,
} from '@latchkey/authenticator';
import { cose, decodeCredentialPublicKey, isoCBOR } from '@simplewebauthn/server/helpers';
import { createApp } from '../apps/create-app.ts';
import { toBase64Url } from '../runtime.ts';
import { type CeremonyHarness, openHarness, registeredUser } from '../testing/ceremony-harness.ts';
import { exportPasskeys } from './export-passkeys.ts';
import type { RawEntry, UnreadableEntry } from './import-entry.ts';
import { type ImportSkip, importPasskeys } from './import-passkeys.ts';
import type { ImportProblem } from './import-problems.ts';
import { readLatchkeyExport } from './latchkey-format.ts';

/** A fresh key as base64url COSE, announcing `claimed` as its algorithm when given. */
function coseKey(algorithm: AlgorithmName = 'ES256', claimed?: number): string {
  const { publicKey } = generateCredentialKeyPair(algorithm);
  return toBase64Url(
    encodeCOSEPublicKey({
      publicKey,
      algorithm,
      ...(claimed === undefined ? {} : { claimedAlgorithm: claimed }),
    }),
  );
}

let serial = 0;
/** A well-formed passkey of the latchkey format, with `edit` applied. */
function passkey(edit: Record<string, unknown> = {}): Record<string, unknown> {
  serial += 1;
  return {
    credentialId: toBase64Url(Buffer.from(`credential-${serial}-${Math.random()}`)),
    publicKey: coseKey(),
    algorithm: -7,
    counter: 7,
    backupEligible: false,
    backupState: false,
    aaguid: '00000000-0000-0000-0000-000000000000',
    transports: ['usb'],
    ...edit,
  };
}

function entry(at: number, edit: Partial<RawEntry> = {}): RawEntry {
  return {
    at,
    externalId: `user-${at}`,
    displayName: `User ${at}`,
    passkeys: [passkey()],
    ...edit,
  };
}

describe('importPasskeys', () => {
  let h: CeremonyHarness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  const run = (
    entries: Iterable<RawEntry> | AsyncIterable<RawEntry | UnreadableEntry>,
    dryRun = false,
  ) => importPasskeys(h.runtime, { appId: h.app.id, entries, dryRun });

  it('round-trips an export: every stored field the checks need comes back, then a rerun changes nothing', async () => {
    const alice = await registeredUser(h, 'alice', { backupEligible: false });
    const [before] = await h.runtime.store.credentials.listByUser(h.app.id, alice.user.id);
    const lines: string[] = [];
    for await (const line of exportPasskeys(h.runtime, { appId: h.app.id })) {
      lines.push(JSON.stringify(line));
    }
    const { app: target } = await createApp(h.runtime, { name: 'Moved', origins: [h.origin] });
    // The same store holds both apps, so the credential is in another app: reported, not merged.
    const across = await importPasskeys(h.runtime, {
      appId: target.id,
      entries: readLatchkeyExport(lines),
    });
    assert.equal(across.passkeys.imported, 0);
    assert.deepEqual(across.skippedByReason, { credential_in_other_app: 1 });
    assert.equal(across.users.created, 1, 'the user comes over without the passkey');

    await h.runtime.store.users.delete(h.app.id, alice.user.id);
    const first = await importPasskeys(h.runtime, {
      appId: h.app.id,
      entries: readLatchkeyExport(lines),
    });
    assert.equal(first.users.created, 1);
    assert.equal(first.passkeys.imported, 1);
    assert.equal(first.changed, true);
    const user = await h.runtime.store.users.findByExternalId(h.app.id, 'alice');
    assert.ok(user);
    assert.equal(user.webauthnUserId, alice.user.webauthnUserId);
    const [after] = await h.runtime.store.credentials.listByUser(h.app.id, user.id);
    assert.ok(before && after);
    for (const field of [
      'credentialId',
      'publicKey',
      'algorithm',
      'counter',
      'backupEligible',
      'backupState',
      'aaguid',
      'transports',
      'attachment',
      'type',
      'friendlyName',
      'createdAt',
      'lastUsedAt',
      'usageCount',
    ] as const) {
      assert.deepEqual(after[field], before[field], field);
    }

    const again = await importPasskeys(h.runtime, {
      appId: h.app.id,
      entries: readLatchkeyExport(lines),
    });
    assert.equal(again.changed, false);
    assert.deepEqual(again.users, { created: 0, existing: 1, skipped: 0 });
    assert.deepEqual(again.passkeys, { imported: 0, alreadyPresent: 1, skipped: 0 });
  });

  it('writes nothing on a dry run and reports what a real run would do', async () => {
    const report = await run([entry(1), entry(2)], true);
    assert.equal(report.dryRun, true);
    assert.equal(report.users.created, 2);
    assert.equal(report.passkeys.imported, 2);
    assert.equal(await h.runtime.store.users.findByExternalId(h.app.id, 'user-1'), null);
  });

  it('never lowers a stored counter: an older file finds the passkey present and leaves it', async () => {
    const fresh = entry(1);
    await run([fresh]);
    const user = await h.runtime.store.users.findByExternalId(h.app.id, 'user-1');
    assert.ok(user);
    const [stored] = await h.runtime.store.credentials.listByUser(h.app.id, user.id);
    assert.ok(stored);
    await h.runtime.store.credentials.recordUse(h.app.id, stored.id, {
      counter: 40,
      backupState: false,
      at: 1,
      enforceIncrease: true,
    });
    const report = await run([fresh]);
    assert.equal(report.passkeys.alreadyPresent, 1);
    const [kept] = await h.runtime.store.credentials.listByUser(h.app.id, user.id);
    assert.equal(kept?.counter, 40);
  });

  it('commits in batches and says how far it got', async () => {
    const seen: number[] = [];
    const report = await importPasskeys(h.runtime, {
      appId: h.app.id,
      entries: [1, 2, 3, 4, 5].map((at) => entry(at)),
      batchSize: 2,
      onBatch: (r) => seen.push(r.committedThrough),
    });
    assert.deepEqual(seen, [2, 4, 5]);
    assert.equal(report.users.created, 5);
  });

  it('refuses a file without a header or of another version', async () => {
    await assert.rejects(run(readLatchkeyExport(['{"externalId":"x","passkeys":[]}'])), {
      code: 'invalid_request',
    });
    const v2 = JSON.stringify({ format: 'latchkey.passkeys', version: 2, rpId: 'bank.example' });
    await assert.rejects(run(readLatchkeyExport([v2])), { code: 'invalid_request' });
  });

  describe('refuses each broken field with its reason and stores nothing of it', () => {
    const offCurve = (): string => {
      const key = decodeCredentialPublicKey(Buffer.from(coseKey(), 'base64url')) as Map<
        number,
        number | Uint8Array
      >;
      const y = key.get(cose.COSEKEYS.y) as Uint8Array;
      y[y.length - 1] = (y[y.length - 1] ?? 0) ^ 1;
      return toBase64Url(isoCBOR.encode(key));
    };
    const cases: [ImportProblem, () => RawEntry][] = [
      ['malformed_entry', () => entry(1, { passkeys: 'none' })],
      ['malformed_entry', () => entry(1, { passkeys: ['not an object'] })],
      ['external_id_invalid', () => entry(1, { externalId: 'bad\u0000id' })],
      ['external_id_invalid', () => entry(1, { externalId: 42 })],
      ['display_name_invalid', () => entry(1, { displayName: 'x'.repeat(300) })],
      ['user_handle_invalid', () => entry(1, { userHandle: toBase64Url(new Uint8Array(65)) })],
      ['user_handle_invalid', () => entry(1, { userHandle: 'not base64url!' })],
      ['credential_id_invalid', () => entry(1, { passkeys: [passkey({ credentialId: 'a+b/' })] })],
      [
        'credential_id_invalid',
        () =>
          entry(1, { passkeys: [passkey({ credentialId: toBase64Url(new Uint8Array(1024)) })] }),
      ],
      ['rp_id_mismatch', () => entry(1, { passkeys: [passkey({ rpId: 'evil.example' })] })],
      ['clone_flagged', () => entry(1, { passkeys: [passkey({ cloneWarning: true })] })],
      ['public_key_malformed', () => entry(1, { passkeys: [passkey({ publicKey: 'AAAA' })] })],
      ['public_key_malformed', () => entry(1, { passkeys: [passkey({ publicKey: offCurve() })] })],
      [
        'algorithm_unsupported',
        () =>
          entry(1, { passkeys: [passkey({ publicKey: coseKey('ES256', -35), algorithm: -35 })] }),
      ],
      ['algorithm_mismatch', () => entry(1, { passkeys: [passkey({ algorithm: -8 })] })],
      ['counter_invalid', () => entry(1, { passkeys: [passkey({ counter: undefined })] })],
      ['counter_invalid', () => entry(1, { passkeys: [passkey({ counter: -1 })] })],
      ['counter_invalid', () => entry(1, { passkeys: [passkey({ counter: 2 ** 32 })] })],
      ['backup_flags_invalid', () => entry(1, { passkeys: [passkey({ backupEligible: 'yes' })] })],
      ['backup_flags_invalid', () => entry(1, { passkeys: [passkey({ backupState: true })] })],
      ['aaguid_invalid', () => entry(1, { passkeys: [passkey({ aaguid: 'not-a-uuid' })] })],
      [
        'transports_invalid',
        () => entry(1, { passkeys: [passkey({ transports: ['carrier-pigeon'] })] }),
      ],
      ['field_invalid', () => entry(1, { passkeys: [passkey({ createdAt: 'yesterday' })] })],
      ['field_invalid', () => entry(1, { passkeys: [passkey({ attachment: 'glued' })] })],
    ];
    for (const [i, [reason, make]] of cases.entries()) {
      it(`${reason} (case ${i + 1})`, async () => {
        const skips: ImportSkip[] = [];
        const report = await importPasskeys(h.runtime, {
          appId: h.app.id,
          entries: [make()],
          onSkip: (s) => skips.push(s),
        });
        assert.deepEqual(
          skips.map((s) => s.reason),
          [reason],
        );
        assert.equal(report.passkeys.imported, 0);
        const user = await h.runtime.store.users.findByExternalId(h.app.id, 'user-1');
        if (user) {
          assert.equal(await h.runtime.store.credentials.countByUser(h.app.id, user.id), 0);
        }
      });
    }

    it('malformed_entry: a line of a latchkey file that is not a JSON object', async () => {
      const header = JSON.stringify({
        format: 'latchkey.passkeys',
        version: 1,
        rpId: 'bank.example',
      });
      const report = await run(readLatchkeyExport([header, 'not json', '[1]']));
      assert.deepEqual(report.skippedByReason, { malformed_entry: 2 });
    });

    it("algorithm_not_allowed: a key of an algorithm the app's policy leaves out", async () => {
      const { app } = await createApp(h.runtime, {
        name: 'ES256 only',
        origins: [h.origin],
        policy: { algorithms: ['ES256'] },
      });
      const report = await importPasskeys(h.runtime, {
        appId: app.id,
        entries: [
          entry(1, { passkeys: [passkey({ publicKey: coseKey('EdDSA'), algorithm: -8 })] }),
        ],
      });
      assert.deepEqual(report.skippedByReason, { algorithm_not_allowed: 1 });
    });

    it('credential_id_taken: a credential id another user of the app holds, or with another key', async () => {
      const first = entry(1);
      await run([first]);
      const [held] = first.passkeys as Record<string, unknown>[];
      const report = await run([
        entry(2, { passkeys: [{ ...held }] }),
        entry(1, { passkeys: [{ ...held, publicKey: coseKey() }] }),
      ]);
      assert.deepEqual(report.skippedByReason, { credential_id_taken: 2 });
    });

    it('user_handle_taken: a new user whose WebAuthn user handle another user holds', async () => {
      const handle = toBase64Url(Buffer.from('handle-1'));
      await run([entry(1, { userHandle: handle })]);
      const report = await run([entry(2, { userHandle: handle })]);
      assert.deepEqual(report.skippedByReason, { user_handle_taken: 1 });
      assert.equal(await h.runtime.store.users.findByExternalId(h.app.id, 'user-2'), null);
    });
  });
});
