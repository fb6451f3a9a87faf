/** Assembles the `Store` port from the repositories over one Kysely handle. */
import type { Store } from '@latchkey/core';
import type { Kysely } from 'kysely';
import type { ChangeSignal } from './caching/change-signal.ts';
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

/** What a store is made of besides its handle. */
export interface StoreParts {
  /** Waits for grouped commits where the handle defers them (SQLite). Default: nothing to wait for. */
  flush?: () => Promise<void>;
  /** What tells the configuration caches that rows changed elsewhere. */
  changes: ChangeSignal;
}

/**
 * Wraps an open, migrated Kysely handle as a `Store`. `close()` stops the change signal and
 * destroys the handle.
 */
export function createStore(
  db: Kysely<Database>,
  dialect: StoreDialect,
  parts: StoreParts,
): SqlStore {
  let closed: Promise<void> | undefined;
  const { changes } = parts;
  return {
    db,
    dialect,
    apps: createAppsRepository(db, changes),
    apiKeys: createApiKeysRepository(db, changes),
    users: createUsersRepository(db),
    credentials: createCredentialsRepository(db, dialect),
    ceremonies: createCeremoniesRepository(db, dialect),
    transactions: createTransactionsRepository(db, dialect),
    nonces: createNoncesRepository(db, dialect),
    audit: createAuditRepository(db),
    actionConfigs: createActionConfigsRepository(db),
    actions: createActionsRepository(db),
    stepUpTokens: createStepUpTokensRepository(db),
    operatorTokens: createOperatorTokensRepository(db),
    operatorSessions: createOperatorSessionsRepository(db),
    adminQueries: createAdminQueriesRepository(db),
    signingKeys: createSigningKeysRepository(db),
    webhooks: createWebhooksRepository(db, dialect, changes),
    authenticatorMetadata: createAuthenticatorMetadataRepository(db),
    portability: createPortabilityRepository(db),
    ping: () => ping(db),
    flush: parts.flush ?? (() => Promise.resolve()),
    // Idempotent: shutdown paths and test cleanups may both close the same store.
    close: () => {
      closed ??= changes.close().then(() => db.destroy());
      return closed;
    },
  };
}
