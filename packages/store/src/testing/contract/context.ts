/** Shared set-up of the contract suite: one opened database per suite run, and fresh apps. */
import { after, before } from 'node:test';
import type { AppRecord, Store } from '@latchkey/core';
import { appFixture } from '../fixtures.ts';
import type { OpenedTestDatabase, TestDatabase } from '../test-databases.ts';

/** What every contract section gets: the store under test, opened before its tests run. */
export interface ContractContext {
  store(): Store;
  /** Inserts and returns a new app, so that each test's rows are apart from every other test's. */
  newApp(): Promise<AppRecord>;
}

/** Opens `database` before the enclosing suite and cleans it up after. */
export function openForSuite(database: TestDatabase): ContractContext {
  let opened: OpenedTestDatabase | undefined;
  before(async () => {
    opened = await database.open();
  });
  after(async () => {
    await opened?.cleanup();
  });
  const store = (): Store => {
    if (!opened) throw new Error('the contract database is not open yet');
    return opened.store;
  };
  return {
    store,
    async newApp() {
      const app = appFixture();
      await store().apps.insert(app);
      return app;
    },
  };
}
