/**
 * `@latchkey/store/testing`: real databases for tests, record fixtures and the store contract suite
 * every `Store` implementation must pass.
 */
export * from './fixtures.ts';
export { type SilentServer, startSilentServer } from './silent-server.ts';
export { storeContract } from './store-contract.ts';
export {
  type OpenedTestDatabase,
  TEST_POSTGRES_URL_VARIABLE,
  type TestDatabase,
  testDatabases,
} from './test-databases.ts';
