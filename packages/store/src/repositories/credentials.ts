/** The `credentials` table behind `CredentialsPort`. */
import type {
  CredentialInsertOutcome,
  CredentialRecord,
  CredentialsPort,
  RecoveryResult,
  RecoveryWrite,
  SignInOutcome,
  UserRecord,
  WebhooksPort,
} from '@latchkey/core';
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { everyTurn } from '../caching/change-signal.ts';
import type { StoreDialect } from '../create-store.ts';
import type { CredentialsTable, Database, UsersTable } from '../schema.ts';
import { underPrefix, withPrefix } from './arg-prefix.ts';
import { AUDIT_COLUMNS, createAuditRepository, toAuditRow } from './audit.ts';
import { fromFlag, fromJson, toFlag, toJson, touched } from './codec.ts';
import { insertNonceQuery, NONCE_COLUMNS, toNonceRow } from './nonces.ts';
import { affected, mergeArgs, type PreparedQuery, prepare } from './prepared.ts';
import { castValues, columnList } from './typed-select.ts';
import { recordLoginQuery, toUserRecord } from './users.ts';
import {
  createWebhooksRepository,
  insertDeliveries,
  type OutboxArgs,
  outboxArgs,
} from './webhooks.ts';

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

/**
 * The SQL type of every column, for the casts an `INSERT … SELECT` of parameters needs: PostgreSQL
 * takes an untyped parameter in a select list for text, which a bigint column does not accept.
 */
const COLUMN_TYPES = {
  id: 'text',
  app_id: 'text',
  user_id: 'text',
  credential_id: 'text',
  public_key: 'text',
  algorithm: 'integer',
  counter: 'bigint',
  transports: 'text',
  aaguid: 'text',
  backup_eligible: 'integer',
  backup_state: 'integer',
  attachment: 'text',
  type: 'text',
  friendly_name: 'text',
  created_at: 'bigint',
  updated_at: 'bigint',
  last_used_at: 'bigint',
  usage_count: 'bigint',
  aaguid_attested: 'integer',
  created_by_upgrade: 'integer',
  prf_enabled: 'integer',
} as const satisfies Record<keyof CredentialsTable, 'text' | 'integer' | 'bigint'>;

/** An app's credential by the credential id an authenticator names. */
export function credentialByCredentialIdQuery(db: Kysely<Database>) {
  return prepare(db, (a: { appId: string; credentialId: string }) =>
    db
      .selectFrom('credentials')
      .selectAll()
      .where('app_id', '=', a.appId)
      .where('credential_id', '=', a.credentialId),
  );
}

/** A user's credentials, oldest first. */
export function credentialsOfUserQuery(db: Kysely<Database>) {
  return prepare(db, (a: { appId: string; userId: string }) =>
    db
      .selectFrom('credentials')
      .selectAll()
      .where('app_id', '=', a.appId)
      .where('user_id', '=', a.userId)
      .orderBy('created_at')
      .orderBy('id'),
  );
}

/**
 * Registered credentials (devices), stored in `credentials`, unique per app by credential id.
 * `dialect` picks the row locks that order a registration and a recovery of the same user on
 * PostgreSQL (SQLite runs one writer at a time, which orders them by itself), and the statements
 * that PostgreSQL can make one round trip.
 */
export function createCredentialsRepository(
  db: Kysely<Database>,
  dialect: StoreDialect,
  webhooks: Pick<WebhooksPort, 'enqueue'>,
): CredentialsPort {
  const byCredentialId = credentialByCredentialIdQuery(db);
  const byUser = credentialsOfUserQuery(db);
  const idsOfUser = prepare(db, (a: { appId: string; userId: string }) =>
    db
      .selectFrom('credentials')
      .select('credential_id')
      .where('app_id', '=', a.appId)
      .where('user_id', '=', a.userId)
      .orderBy('created_at')
      .orderBy('id'),
  );
  const recordLogin = recordLoginQuery(db);
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
  // PostgreSQL: the use, the login, the list and the outcome in one statement (one round trip).
  // The login's condition reads the use's result from its clause, and the outcome's rows are
  // written only if the login was; the list is read as the statement began, which is what it was
  // after the use (a use changes no credential id). One prepared statement per shape of outcome.
  type SignIn = Use & { userId: string; loginOnlyIfCounted: number } & Record<string, unknown>;
  const signInShape = (increasing: boolean, outcome: SignInOutcome | undefined): string =>
    `${increasing ? 'i' : 'a'}${outcome?.nonce ? 'n' : ''}:${(outcome?.events ?? [])
      .map((e) => (e.webhook ? 'w' : 'e'))
      .join('')}`;
  const signInStatements = new Map<
    string,
    PreparedQuery<SignIn, { counted: number; user: Selectable<UsersTable> | null; ids: string[] }>
  >();
  const signInStatement = (increasing: boolean, outcome: SignInOutcome | undefined) => {
    const shape = signInShape(increasing, outcome);
    let statement = signInStatements.get(shape);
    if (statement) return statement;
    const nonce = outcome?.nonce != null;
    const events = (outcome?.events ?? []).map((e) => e.webhook !== null);
    statement = prepare(db, (a: SignIn) => {
      const recorded = sql`EXISTS (SELECT 1 FROM login)`;
      const writes = [
        ...(nonce
          ? [
              sql`n AS (INSERT INTO nonces ${columnList(NONCE_COLUMNS)}
                SELECT ${castValues(NONCE_COLUMNS, underPrefix(a, 'n_'))} FROM login)`,
            ]
          : []),
        ...events.flatMap((webhook, i) => [
          sql`${sql.raw(`e${i}`)} AS (INSERT INTO audit_events ${columnList(AUDIT_COLUMNS)}
            SELECT ${castValues(AUDIT_COLUMNS, underPrefix(a, `e${i}_`))} FROM login)`,
          ...(webhook
            ? [
                sql`${sql.raw(`o${i}`)} AS (${insertDeliveries(
                  underPrefix<OutboxArgs>(a, `o${i}_`),
                  recorded,
                )})`,
              ]
            : []),
        ]),
      ];
      return sql<{ counted: number; user: Selectable<UsersTable> | null; ids: string[] }>`
        WITH used AS (
          UPDATE credentials SET counter = ${a.counter}, backup_state = ${a.backupState},
            last_used_at = ${a.at}, usage_count = usage_count + 1
          WHERE app_id = ${a.appId} AND id = ${a.id}${increasing ? sql` AND counter < ${a.counter}` : sql``}
          RETURNING id
        ), login AS (
          UPDATE users SET last_login_at = ${a.at}, login_count = login_count + 1
          WHERE app_id = ${a.appId} AND id = ${a.userId}
            AND (${a.loginOnlyIfCounted} = 0 OR EXISTS (SELECT 1 FROM used))
          RETURNING *
        )${writes.length > 0 ? sql`, ${sql.join(writes)}` : sql``}
        SELECT (SELECT count(*) FROM used) AS counted,
          (SELECT row_to_json(login) FROM login) AS "user",
          COALESCE((SELECT json_agg(c.credential_id ORDER BY c.created_at, c.id) FROM credentials c
            WHERE c.app_id = ${a.appId} AND c.user_id = ${a.userId}), '[]') AS ids
      `;
    });
    signInStatements.set(shape, statement);
    return statement;
  };
  const insertNonce = insertNonceQuery(db);
  const audit = createAuditRepository(db);
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

    async insertFromCeremony(credential, ceremonyIssuedAt) {
      const row = toCredentialRow(credential);
      const columns = Object.keys(COLUMN_TYPES) as (keyof typeof COLUMN_TYPES)[];
      // FOR KEY SHARE conflicts with the FOR UPDATE a recovery takes on the user: this statement
      // waits for a recovery in progress and then checks the user's row as the recovery left it.
      const lock = dialect === 'postgres' ? sql`FOR KEY SHARE OF u` : sql``;
      const { rows } = await sql<{ id: string }>`
        INSERT INTO credentials (${sql.join(columns.map((c) => sql.ref(c)))})
        SELECT ${sql.join(
          columns.map((c) => sql`CAST(${row[c] ?? null} AS ${sql.raw(COLUMN_TYPES[c])})`),
        )}
        FROM users u
        WHERE u.app_id = ${credential.appId} AND u.id = ${credential.userId}
          AND (u.recovered_at IS NULL OR u.recovered_at < ${ceremonyIssuedAt})
        ${lock}
        ON CONFLICT (app_id, credential_id) DO NOTHING
        RETURNING id
      `.execute(db);
      if (rows.length > 0) return 'inserted';
      const [existing] = (
        await byCredentialId({ appId: credential.appId, credentialId: credential.credentialId })
      ).rows;
      return existing ? 'exists' : 'superseded';
    },

    async recover(write) {
      return db.transaction().execute(async (trx) => recoverIn(trx, dialect, write));
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

    async recordSignIn(options) {
      const { use, outcome } = options;
      const args = {
        appId: options.appId,
        id: options.id,
        counter: use.counter,
        backupState: toFlag(use.backupState),
        at: use.at,
      };
      // A zero counter means the authenticator does not count at all.
      const increasing = use.enforceIncrease && use.counter > 0;
      if (dialect === 'postgres') {
        const outcomeArgs: Record<string, unknown> = outcome?.nonce
          ? withPrefix('n_', toNonceRow(outcome.nonce))
          : {};
        outcome?.events.forEach((rows, i) => {
          Object.assign(outcomeArgs, withPrefix(`e${i}_`, toAuditRow(rows.audit)));
          if (rows.webhook)
            Object.assign(outcomeArgs, withPrefix(`o${i}_`, outboxArgs(rows.webhook)));
        });
        const [row] = (
          await signInStatement(
            increasing,
            outcome,
          )(
            mergeArgs<SignIn>(args, outcomeArgs, {
              userId: options.userId,
              loginOnlyIfCounted: options.loginOnlyIfCounted ? 1 : 0,
            }),
          )
        ).rows;
        return {
          counted: Number(row?.counted ?? 0) > 0,
          user: row?.user ? toUserRecord(row.user) : null,
          credentialIds: options.listCredentials ? (row?.ids ?? []) : [],
        };
      }
      const counted = affected(await (increasing ? recordIncreasingUse : recordAnyUse)(args)) > 0;
      let user: UserRecord | null = null;
      if (counted || !options.loginOnlyIfCounted) {
        const [row] = (await recordLogin({ appId: options.appId, id: options.userId, at: use.at }))
          .rows;
        user = row ? toUserRecord(row) : null;
      }
      if (user && outcome) {
        if (outcome.nonce) await insertNonce(toNonceRow(outcome.nonce));
        for (const rows of outcome.events) {
          await audit.append(rows.audit);
          if (rows.webhook) await webhooks.enqueue(rows.webhook);
        }
      }
      const credentialIds = options.listCredentials
        ? (await idsOfUser({ appId: options.appId, userId: options.userId })).rows.map(
            (row) => row.credential_id,
          )
        : [];
      return { counted, user, credentialIds };
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

/** The body of `recover`, in its transaction. */
async function recoverIn(
  trx: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  write: RecoveryWrite,
): Promise<RecoveryResult> {
  const { credential } = write;
  const refused = (outcome: CredentialInsertOutcome): RecoveryResult => ({ outcome, revoked: [] });
  let userQuery = trx
    .selectFrom('users')
    .select('recovered_at')
    .where('app_id', '=', credential.appId)
    .where('id', '=', credential.userId);
  // FOR UPDATE conflicts with the FOR KEY SHARE every credential insert takes on its user (the
  // foreign key's, and insertFromCeremony's own): a registration of this user in flight either
  // committed before this lock, and the delete below sees it, or waits until this commits, and is
  // then refused.
  if (dialect === 'postgres') userQuery = userQuery.forUpdate();
  const user = await userQuery.executeTakeFirst();
  if (!user) return refused('superseded');
  if (user.recovered_at !== null && Number(user.recovered_at) >= write.ceremonyIssuedAt) {
    return refused('superseded');
  }
  const inserted = await trx
    .insertInto('credentials')
    .values(toCredentialRow(credential))
    .onConflict((oc) => oc.columns(['app_id', 'credential_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted === undefined) return refused('exists');
  let revoked: CredentialRecord[] = [];
  if (write.revokeOthers) {
    await trx
      .updateTable('users')
      .set({ recovered_at: write.at })
      .where('app_id', '=', credential.appId)
      .where('id', '=', credential.userId)
      .execute();
    const rows = await trx
      .deleteFrom('credentials')
      .where('app_id', '=', credential.appId)
      .where('user_id', '=', credential.userId)
      .where('id', '!=', credential.id)
      .returningAll()
      .execute();
    revoked = rows
      .map(toCredentialRecord)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }
  // The outcome's audit events and outbox rows commit with it, or not at all.
  const audit = createAuditRepository(trx);
  // Inside the transaction nothing is cached: the endpoints are read as the transaction sees them.
  const webhooks = createWebhooksRepository(trx, dialect, everyTurn());
  for (const rows of write.events(revoked)) {
    await audit.append(rows.audit);
    if (rows.webhook !== null) await webhooks.enqueue(rows.webhook);
  }
  return { outcome: 'inserted', revoked };
}
