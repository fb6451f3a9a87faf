/**
 * Opening a PostgreSQL store that does not answer fails, with a timeout error, instead of waiting
 * forever; the URL's `connect_timeout` sets how long it waits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../open-store.ts';
import { type SilentServer, startSilentServer } from '../testing/silent-server.ts';
import {
  ConnectTimeoutError,
  connectTimeoutSeconds,
  DEFAULT_CONNECT_TIMEOUT_SECONDS,
} from './open-postgres.ts';

describe('opening PostgreSQL that never answers', () => {
  let silent: SilentServer;
  before(async () => {
    silent = await startSilentServer();
  });
  after(() => silent.close());

  // Without a connect timeout these would wait forever; the test's own timeout turns that into a
  // failure rather than a hung run.
  it('gives up after the default connect timeout', { timeout: 60_000 }, async () => {
    await assert.rejects(
      openStore({ url: `postgres://postgres@127.0.0.1:${silent.port}/latchkey` }),
      (error: unknown) => {
        assert.ok(error instanceof ConnectTimeoutError);
        assert.equal(error.code, 'ETIMEDOUT');
        assert.equal(error.timeoutSeconds, DEFAULT_CONNECT_TIMEOUT_SECONDS);
        return true;
      },
    );
  });

  it('waits as long as the URL’s connect_timeout says', { timeout: 60_000 }, async () => {
    await assert.rejects(
      openStore({ url: `postgres://postgres@127.0.0.1:${silent.port}/latchkey?connect_timeout=1` }),
      (error: unknown) => error instanceof ConnectTimeoutError && error.timeoutSeconds === 1,
    );
  });
});

describe('connect_timeout in a PostgreSQL URL', () => {
  it('is whole seconds, 5 when absent', () => {
    assert.equal(connectTimeoutSeconds('postgres://db/x'), DEFAULT_CONNECT_TIMEOUT_SECONDS);
    assert.equal(connectTimeoutSeconds('postgres://db/x?sslmode=disable&connect_timeout=12'), 12);
  });

  it('refuses 0 (wait forever), fractions and words', () => {
    for (const value of ['0', '1.5', 'ten', '', '-3']) {
      assert.throws(
        () => connectTimeoutSeconds(`postgres://db/x?connect_timeout=${value}`),
        /^Error: invalid connect_timeout/,
        value,
      );
    }
  });
});
