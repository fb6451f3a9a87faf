/**
 * `PortabilityPort`: pages of users with their credentials for an export, and import batches
 * written in one transaction each. Lookups and inserts go by the hundred (`IN` lists and
 * multi-row inserts) so that a million users take thousands of statements, not millions.
 */
import type {
  CredentialRecord,
  ImportBatchOutcome,
  ImportCredentialOutcome,
  PortabilityPort,
  UserRecord,
} from '@latchkey/core';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import { toCredentialRecord, toCredentialRow } from './credentials.ts';
import { toUserRecord, toUserRow } from './users.ts';

/** Values per `IN` list and rows per insert: far below either database's bound on parameters. */
const CHUNK = 400;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Thrown to roll a dry run's transaction back, carrying what the run found. */
class DryRunRollback extends Error {
  constructor(readonly outcomes: ImportBatchOutcome[]) {
    super('dry run');
  }
}

type StoredCredential = { appId: string; userId: string; publicKey: string };

async function writeBatch(
  trx: Transaction<Database>,
  appId: string,
  items: Parameters<PortabilityPort['importBatch']>[1],
): Promise<ImportBatchOutcome[]> {
  const users = new Map<string, UserRecord>();
  const handles = new Set<string>();
  for (const part of chunks(items.map((i) => i.user.externalId))) {
    const rows = await trx
      .selectFrom('users')
      .selectAll()
      .where('app_id', '=', appId)
      .where('external_id', 'in', part)
      .execute();
    for (const row of rows) users.set(row.external_id, toUserRecord(row));
  }
  for (const part of chunks(items.map((i) => i.user.webauthnUserId))) {
    const rows = await trx
      .selectFrom('users')
      .select('webauthn_user_id')
      .where('app_id', '=', appId)
      .where('webauthn_user_id', 'in', part)
      .execute();
    for (const row of rows) handles.add(row.webauthn_user_id);
  }
  const stored = new Map<string, StoredCredential[]>();
  const credentialIds = items.flatMap((i) => i.credentials.map((c) => c.credentialId));
  for (const part of chunks(credentialIds)) {
    const rows = await trx
      .selectFrom('credentials')
      .select(['app_id', 'user_id', 'credential_id', 'public_key'])
      .where('credential_id', 'in', part)
      .execute();
    for (const row of rows) {
      const list = stored.get(row.credential_id) ?? [];
      list.push({ appId: row.app_id, userId: row.user_id, publicKey: row.public_key });
      stored.set(row.credential_id, list);
    }
  }

  const newUsers: UserRecord[] = [];
  const newCredentials: CredentialRecord[] = [];
  const outcomes = items.map((item): ImportBatchOutcome => {
    let user = users.get(item.user.externalId);
    const existing = user !== undefined;
    if (!user) {
      if (handles.has(item.user.webauthnUserId)) {
        return { user: 'handle_taken', credentials: item.credentials.map(() => 'user_skipped') };
      }
      user = item.user;
      users.set(user.externalId, user);
      handles.add(user.webauthnUserId);
      newUsers.push(user);
    }
    const owner = user;
    const credentials = item.credentials.map((credential): ImportCredentialOutcome => {
      const rows = stored.get(credential.credentialId) ?? [];
      const here = rows.find((r) => r.appId === appId);
      if (here) {
        const same = here.userId === owner.id && here.publicKey === credential.publicKey;
        return same ? 'already_present' : 'taken';
      }
      if (rows.length > 0) return 'other_app';
      const record = { ...credential, userId: owner.id };
      stored.set(credential.credentialId, [
        { appId, userId: owner.id, publicKey: record.publicKey },
      ]);
      newCredentials.push(record);
      return 'imported';
    });
    return { user: existing ? 'existing' : 'created', credentials };
  });

  for (const part of chunks(newUsers)) {
    await trx.insertInto('users').values(part.map(toUserRow)).execute();
  }
  for (const part of chunks(newCredentials)) {
    await trx.insertInto('credentials').values(part.map(toCredentialRow)).execute();
  }
  return outcomes;
}

/** Export pages and import batches over one Kysely handle. */
export function createPortabilityRepository(db: Kysely<Database>): PortabilityPort {
  return {
    async exportPage(appId, afterExternalId, limit) {
      let query = db.selectFrom('users').selectAll().where('app_id', '=', appId);
      if (afterExternalId !== null) query = query.where('external_id', '>', afterExternalId);
      const users = (await query.orderBy('external_id').limit(limit).execute()).map(toUserRecord);
      if (users.length === 0) return [];
      const byUser = new Map<string, CredentialRecord[]>(users.map((u) => [u.id, []]));
      for (const part of chunks(users.map((u) => u.id))) {
        const rows = await db
          .selectFrom('credentials')
          .selectAll()
          .where('app_id', '=', appId)
          .where('user_id', 'in', part)
          .orderBy('created_at')
          .orderBy('id')
          .execute();
        for (const row of rows) byUser.get(row.user_id)?.push(toCredentialRecord(row));
      }
      return users.map((user) => ({ user, credentials: byUser.get(user.id) ?? [] }));
    },

    async importBatch(appId, items, options) {
      try {
        return await db.transaction().execute(async (trx) => {
          const outcomes = await writeBatch(trx, appId, items);
          if (options.dryRun) throw new DryRunRollback(outcomes);
          return outcomes;
        });
      } catch (error) {
        if (error instanceof DryRunRollback) return error.outcomes;
        throw error;
      }
    },
  };
}
