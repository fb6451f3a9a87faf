/**
 * The PostgreSQL URL for tests that start their own processes. Without it they are skipped with a
 * reason; in CI (`CI=true`) a missing URL is an error, so those tests cannot silently stop running.
 */
import { TEST_POSTGRES_URL_VARIABLE } from '@latchkey/store/testing';

export function postgresUrlOrSkip(): { url: string | null; skip: string | false } {
  const url = process.env[TEST_POSTGRES_URL_VARIABLE] ?? null;
  if (url) return { url, skip: false };
  if (process.env.CI)
    throw new Error(
      `${TEST_POSTGRES_URL_VARIABLE} is required in CI: the PostgreSQL tests must run`,
    );
  return { url: null, skip: `${TEST_POSTGRES_URL_VARIABLE} is unset: PostgreSQL tests skipped` };
}
