/**
 * Bulk preload for the scaling runs: `count` users with one ES256 passkey each, written straight
 * into the database in batches of prebuilt rows. The passkeys share a few key pairs (a credential's
 * public key need not be unique), so that making a million of them takes seconds, not an hour.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ExportedCredential } from '@latchkey/authenticator';
import { encodeCOSEPublicKey, generateCredentialKeyPair } from '@latchkey/authenticator';
import type { CredentialsTable, SqlStore, UsersTable } from '@latchkey/store';
import type { Insertable } from 'kysely';
import { BENCH_ORIGIN } from './bench-database.ts';

const KEY_PAIRS = 16;
const BATCH = 1000;

/** One preloaded user, with what an authenticator needs to sign for it. */
export interface PreloadedUser {
  externalId: string;
  credential: ExportedCredential;
}

/**
 * Inserts `count` users and credentials; returns `sample` of them spread evenly over the range.
 *
 * @example
 * const sampled = await preloadUsers(store, appId, 100_000, 1000);
 */
export async function preloadUsers(
  store: SqlStore,
  appId: string,
  count: number,
  sample: number,
): Promise<PreloadedUser[]> {
  const rpId = new URL(BENCH_ORIGIN).hostname;
  const keys = Array.from({ length: KEY_PAIRS }, () => {
    const pair = generateCredentialKeyPair('ES256');
    return {
      cose: Buffer.from(
        encodeCOSEPublicKey({ publicKey: pair.publicKey, algorithm: 'ES256' }),
      ).toString('base64url'),
      pkcs8: Buffer.from(pair.privateKey.export({ format: 'der', type: 'pkcs8' })).toString(
        'base64url',
      ),
    };
  });
  const step = Math.max(1, Math.floor(count / sample));
  const sampled: PreloadedUser[] = [];
  const now = Date.now();
  for (let offset = 0; offset < count; offset += BATCH) {
    const users: Insertable<UsersTable>[] = [];
    const credentials: Insertable<CredentialsTable>[] = [];
    for (let i = offset; i < Math.min(count, offset + BATCH); i++) {
      const userId = randomUUID();
      const externalId = `preloaded-${i}`;
      const webauthnUserId = randomBytes(16).toString('base64url');
      const credentialId = randomBytes(16).toString('base64url');
      const key = keys[i % KEY_PAIRS]!;
      users.push({
        id: userId,
        app_id: appId,
        external_id: externalId,
        display_name: `${externalId}@bench.example`,
        webauthn_user_id: webauthnUserId,
        status: 'active' as const,
        created_at: now,
        updated_at: now,
        last_login_at: null,
        login_count: 0,
      });
      credentials.push({
        id: randomUUID(),
        app_id: appId,
        user_id: userId,
        credential_id: credentialId,
        public_key: key.cose,
        algorithm: -7,
        counter: 0,
        transports: '["internal","hybrid"]',
        aaguid: '00000000-0000-0000-0000-000000000000',
        backup_eligible: 1,
        backup_state: 1,
        attachment: 'platform',
        type: 'passkey' as const,
        friendly_name: 'Passkey',
        created_at: now,
        updated_at: now,
        last_used_at: null,
        usage_count: 0,
        aaguid_attested: 0,
      });
      if (i % step === 0 && sampled.length < sample) {
        sampled.push({
          externalId,
          credential: {
            id: credentialId,
            rpId,
            userHandle: webauthnUserId,
            signCount: 0,
            algorithm: 'ES256',
            privateKey: key.pkcs8,
            transports: ['internal', 'hybrid'],
          },
        });
      }
    }
    await store.db.transaction().execute(async (tx) => {
      await tx.insertInto('users').values(users).execute();
      await tx.insertInto('credentials').values(credentials).execute();
    });
  }
  return sampled;
}
