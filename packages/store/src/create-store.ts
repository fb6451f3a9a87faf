/** Assembles the `Store` port from the repositories over one Kysely handle. */
import type { Store } from '@latchkey/core';
import type { Kysely } from 'kysely';
import { createActionConfigsRepository } from './repositories/action-configs.ts';
import { createActionsRepository } from './repositories/actions.ts';
import { createAdminQueriesRepository } from './repositories/admin-queries.ts';
import { createApiKeysRepository } from './repositories/api-keys.ts';
import { createAppsRepository } from './repositories/apps.ts';
import { createAuditRepository } from './repositories/audit.ts';
import { createAuthenticatorMetadataRepository } from './repositories/authenticator-metadata.ts';
import { createCeremoniesRepository } from './repositories/ceremonies.ts';
import { createCredentialsRepository } from './repositories/credentials.ts';
import { ping } from './repositories/health.ts';
import { createNoncesRepository } from './repositories/nonces.ts';
import {
  createOperatorSessionsRepository,
  createOperatorTokensRepository,
} from './repositories/operator-tokens.ts';
import { createPortabilityRepository } from './repositories/portability.ts';
import { createSigningKeysRepository } from './repositories/signing-keys.ts';
import { createStepUpTokensRepository } from './repositories/step-up.ts';
import { createTransactionsRepository } from './repositories/transactions.ts';
import { createUsersRepository } from './repositories/users.ts';
import { createWebhooksRepository } from './repositories/webhooks.ts';
import type { Database } from './schema.ts';

/** Which database a store runs on. */
export type StoreDialect = 'sqlite' | 'postgres';

/** A `Store` together with the handle it runs on, for migrations and maintenance tools. */
export type SqlStore = Store & { db: Kysely<Database>; dialect: StoreDialect };

/**
 * Wraps an open, migrated Kysely handle as a `Store`. `close()` destroys the handle. `flush` waits
 * for grouped commits where the handle defers them (SQLite); PostgreSQL commits each statement.
 */
export function createStore(
  db: Kysely<Database>,
  dialect: StoreDialect,
  flush: () => Promise<void> = () => Promise.resolve(),
): SqlStore {
  let closed: Promise<void> | undefined;
  return {
    db,
    dialect,
    apps: createAppsRepository(db),
    apiKeys: createApiKeysRepository(db),
    users: createUsersRepository(db),
    credentials: createCredentialsRepository(db, dialect),
    ceremonies: createCeremoniesRepository(db),
    transactions: createTransactionsRepository(db),
    nonces: createNoncesRepository(db),
    audit: createAuditRepository(db),
    actionConfigs: createActionConfigsRepository(db),
    actions: createActionsRepository(db),
    stepUpTokens: createStepUpTokensRepository(db),
    operatorTokens: createOperatorTokensRepository(db),
    operatorSessions: createOperatorSessionsRepository(db),
    adminQueries: createAdminQueriesRepository(db),
    signingKeys: createSigningKeysRepository(db),
    webhooks: createWebhooksRepository(db, dialect),
    authenticatorMetadata: createAuthenticatorMetadataRepository(db),
    portability: createPortabilityRepository(db),
    ping: () => ping(db),
    flush,
    // Idempotent: shutdown paths and test cleanups may both close the same store.
    close: () => {
      closed ??= db.destroy();
      return closed;
    },
  };
}
