import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  authenticateTransaction,
  databases,
  finishLogin,
  type Harness,
  ORIGIN,
  openHarness,
  registerUser,
  startLogin,
  verifyNonce,
} from '../../testing/harness.ts';

/** The value of one series in Prometheus text, or 0 where it is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    const found = Object.fromEntries(
      [...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return 0;
}

const [sqlite] = databases();

describe('GET /metrics', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness(sqlite as NonNullable<typeof sqlite>);
  });
  after(() => h.close());

  it('counts ceremonies by outcome and reason, nonce redemptions and request latency by route', async () => {
    const { authenticator, nonce } = await registerUser(h, 'ada');
    assert.equal((await verifyNonce(h, nonce)).statusCode, 200);
    assert.equal((await verifyNonce(h, nonce)).statusCode, 401);

    const started = await startLogin(h, await authenticateTransaction(h, 'ada'));
    const forged = await authenticator.getAssertion({
      options: started.options,
      origin: ORIGIN,
      overrides: { flags: { uv: false } },
    });
    assert.equal((await finishLogin(h, started, forged)).statusCode, 401);
    for (let i = 0; i < 3; i++) await h.server.inject({ method: 'GET', url: `/no/such/path/${i}` });

    const res = await h.server.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const text = res.body;
    const ceremonies = 'latchkey_ceremonies_total';
    assert.equal(sample(text, ceremonies, { kind: 'register', outcome: 'started' }), 1);
    assert.equal(sample(text, ceremonies, { kind: 'register', outcome: 'succeeded' }), 1);
    assert.equal(sample(text, ceremonies, { kind: 'authenticate', outcome: 'started' }), 1);
    assert.equal(
      sample(text, ceremonies, {
        kind: 'authenticate',
        outcome: 'failed',
        reason: 'user_not_verified',
      }),
      1,
    );
    const redemptions = 'latchkey_nonce_redemptions_total';
    assert.equal(sample(text, redemptions, { outcome: 'redeemed' }), 1);
    assert.equal(sample(text, redemptions, { outcome: 'rejected' }), 1);
    assert.equal(
      sample(text, 'latchkey_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/apps/:app_id/authenticate/verify',
        status: '200',
      }),
      1,
    );
    // Unknown paths share one series instead of one per URL.
    assert.equal(
      sample(text, 'latchkey_http_request_duration_seconds_count', {
        route: 'unmatched',
        status: '404',
      }),
      3,
    );
    assert.doesNotMatch(text, /no\/such\/path/);
    // Read from the store's running count when scraped: every ceremony above sent statements.
    const statements = /^latchkey_database_statements_total (\d+)$/m.exec(text);
    assert.ok(statements && Number(statements[1]) > 20, 'statements sent to the database');
    assert.match(
      text,
      /latchkey_process_resident_memory_bytes|latchkey_nodejs_heap_size_used_bytes/,
    );
  });
});
