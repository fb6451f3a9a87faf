/** The `credentials` table behind `CredentialsPort`. */
import type { CredentialRecord, CredentialsPort } from '@latchkey/core';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { CredentialsTable, Database } from '../schema.ts';
import { fromFlag, fromJson, toFlag, toJson, touched } from './codec.ts';
import { affected, prepare } from './prepared.ts';

/** Reads one `credentials` row. */
export function toCredentialRecord(row: Selectable<CredentialsTable>): CredentialRecord {
  return {
    id: row.id,
    appId: row.app_id,
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: row.public_key,
    algorithm: Number(row.algorithm),
    counter: Number(row.counter),
    transports: fromJson<string[]>(row.transports),
    aaguid: row.aaguid,
    backupEligible: fromFlag(row.backup_eligible),
    backupState: fromFlag(row.backup_state),
    attachment: row.attachment,
    type: row.type,
    friendlyName: row.friendly_name,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    usageCount: Number(row.usage_count),
    aaguidAttested: fromFlag(row.aaguid_attested),
    createdByUpgrade: fromFlag(row.created_by_upgrade),
    prfEnabled: fromFlag(row.prf_enabled),
  };
}

/** The `credentials` row of a record. */
export function toCredentialRow(credential: CredentialRecord): Insertable<CredentialsTable> {
  return {
    id: credential.id,
    app_id: credential.appId,
    user_id: credential.userId,
    credential_id: credential.credentialId,
    public_key: credential.publicKey,
    algorithm: credential.algorithm,
    counter: credential.counter,
    transports: toJson(credential.transports),
    aaguid: credential.aaguid,
    backup_eligible: toFlag(credential.backupEligible),
    backup_state: toFlag(credential.backupState),
    attachment: credential.attachment,
    type: credential.type,
    friendly_name: credential.friendlyName,
    created_at: credential.createdAt,
    updated_at: credential.updatedAt,
    last_used_at: credential.lastUsedAt,
    usage_count: credential.usageCount,
    aaguid_attested: toFlag(credential.aaguidAttested ?? false),
    created_by_upgrade: toFlag(credential.createdByUpgrade),
    prf_enabled: toFlag(credential.prfEnabled),
  };
}

/** Registered credentials (devices), stored in `credentials`, unique per app by credential id. */
export function createCredentialsRepository(db: Kysely<Database>): CredentialsPort {
  const byCredentialId = prepare(db, (a: { appId: string; credentialId: string }) =>
    db
      .selectFrom('credentials')
      .selectAll()
      .where('app_id', '=', a.appId)
      .where('credential_id', '=', a.credentialId),
  );
  const byUser = prepare(db, (a: { appId: string; userId: string }) =>
    db
      .selectFrom('credentials')
      .selectAll()
      .where('app_id', '=', a.appId)
      .where('user_id', '=', a.userId)
      .orderBy('created_at')
      .orderBy('id'),
  );
  const countByUser = prepare(db, (a: { appId: string; userId: string }) =>
    db
      .selectFrom('credentials')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where('app_id', '=', a.appId)
      .where('user_id', '=', a.userId),
  );
  const countByApp = prepare(db, (a: { appId: string }) =>
    db
      .selectFrom('credentials')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where('app_id', '=', a.appId),
  );
  type Use = { appId: string; id: string; counter: number; backupState: number; at: number };
  const recordUse = (a: Use) =>
    db
      .updateTable('credentials')
      .set((eb) => ({
        counter: a.counter,
        backup_state: a.backupState,
        last_used_at: a.at,
        usage_count: eb('usage_count', '+', 1),
      }))
      .where('app_id', '=', a.appId)
      .where('id', '=', a.id);
  const recordAnyUse = prepare(db, recordUse);
  // Compare-and-set in the statement itself: of two assertions racing with the same counter,
  // only the first write matches, so a cloned authenticator cannot slip through between a read
  // and a write.
  const recordIncreasingUse = prepare(db, (a: Use) =>
    recordUse(a).where('counter', '<', a.counter),
  );
  return {
    async insert(credential) {
      // DO NOTHING on the (app, credential id) index only: a duplicate registration is an expected
      // outcome reported as false, while any other conflict is a bug and should throw.
      const inserted = await db
        .insertInto('credentials')
        .values(toCredentialRow(credential))
        .onConflict((oc) => oc.columns(['app_id', 'credential_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async findByCredentialId(appId, credentialId) {
      const [row] = (await byCredentialId({ appId, credentialId })).rows;
      return row ? toCredentialRecord(row) : null;
    },

    async findById(appId, id) {
      const row = await db
        .selectFrom('credentials')
        .selectAll()
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toCredentialRecord(row) : null;
    },

    async listByUser(appId, userId) {
      return (await byUser({ appId, userId })).rows.map(toCredentialRecord);
    },

    async countByUser(appId, userId) {
      const [row] = (await countByUser({ appId, userId })).rows;
      return Number(row?.total ?? 0);
    },

    async countByApp(appId) {
      const [row] = (await countByApp({ appId })).rows;
      return Number(row?.total ?? 0);
    },

    async recordUse(appId, id, use) {
      const args = {
        appId,
        id,
        counter: use.counter,
        backupState: toFlag(use.backupState),
        at: use.at,
      };
      // A zero counter means the authenticator does not count at all.
      const increasing = use.enforceIncrease && use.counter > 0;
      return affected(await (increasing ? recordIncreasingUse : recordAnyUse)(args)) > 0;
    },

    async delete(appId, userId, id) {
      const result = await db
        .deleteFrom('credentials')
        .where('app_id', '=', appId)
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return touched(result.numDeletedRows);
    },
  };
}
