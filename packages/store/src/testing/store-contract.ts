/**
 * The contract every `Store` implementation passes: each port method, scoping by app, single use
 * under concurrency, expiry, counter compare-and-set, pagination and the atomic recovery.
 * Registers `node:test` suites.
 */
import { describe } from 'node:test';
import { actionsContract } from './contract/actions.ts';
import { appsContract } from './contract/apps.ts';
import { auditContract } from './contract/audit.ts';
import { authenticatorMetadataContract } from './contract/authenticator-metadata.ts';
import { openForSuite } from './contract/context.ts';
import { credentialsContract } from './contract/credentials.ts';
import { operatorsContract } from './contract/operators.ts';
import { portabilityContract } from './contract/portability.ts';
import { recoveryContract } from './contract/recovery.ts';
import { singleUseContract } from './contract/single-use.ts';
import { usersContract } from './contract/users.ts';
import type { TestDatabase } from './test-databases.ts';

/** Registers the whole contract suite against one fresh database of the given kind. */
export function storeContract(database: TestDatabase): void {
  describe(`the ${database.name} store`, () => {
    const ctx = openForSuite(database);
    appsContract(ctx);
    usersContract(ctx);
    credentialsContract(ctx);
    singleUseContract(ctx);
    auditContract(ctx);
    actionsContract(ctx);
    operatorsContract(ctx);
    authenticatorMetadataContract(ctx);
    portabilityContract(ctx);
    recoveryContract(ctx);
  });
}
