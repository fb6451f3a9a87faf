import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logFormat } from './config.ts';
import { displayDatabaseUrl, redactPassword } from './database-display.ts';
import { textLogLine } from './log-format.ts';
import { serveBanner, serveSummary } from './serve-banner.ts';

const BASE = {
  version: '9.8.7',
  host: '127.0.0.1',
  port: 8080,
  databaseUrl: 'sqlite:./latchkey.db',
  databaseSource: 'default',
  cwd: '/srv/latchkey',
} as const;

describe('the serve banner', () => {
  it('names the version, the API, docs and console URLs, the database and the next command', () => {
    const banner = serveBanner(BASE);
    assert.match(banner, /latchkey 9\.8\.7 is running/);
    assert.match(banner, /API {10}http:\/\/127\.0\.0\.1:8080\n/);
    assert.match(banner, /API docs {5}http:\/\/127\.0\.0\.1:8080\/docs\n/);
    assert.match(banner, /Console {6}http:\/\/127\.0\.0\.1:8080\/console/);
    assert.match(banner, /Database {5}sqlite:\/srv\/latchkey\/latchkey\.db\n/);
    assert.match(banner, /Rate limits {2}counted in the database/);
    assert.ok(
      banner.includes(
        'npx latchkey apps create --name "My app" --origin http://localhost:3000 --db sqlite:/srv/latchkey/latchkey.db',
      ),
    );
  });

  it('never prints a database or Redis password, and says how to give it back', () => {
    const input = {
      ...BASE,
      databaseUrl: 'postgres://ada:s3cr%40t@db.internal:5432/latchkey',
      databaseSource: 'flag',
      redisUrl: 'redis://:hunter2@cache:6379',
    } as const;
    const banner = serveBanner(input);
    assert.ok(!banner.includes('s3cr'), banner);
    assert.ok(!banner.includes('hunter2'), banner);
    assert.match(banner, /Database {5}postgres:\/\/ada:\*\*\*@db\.internal:5432\/latchkey\n/);
    assert.match(banner, /Rate limits {2}redis:\/\/:\*\*\*@cache:6379/);
    assert.match(banner, /--db 'postgres:\/\/ada:\*\*\*@db\.internal:5432\/latchkey'/);
    assert.match(banner, /put the database password in place of \*\*\*/);
  });

  it('leaves --db out of the next command when the CLI reads the same URL from the environment', () => {
    const summary = serveSummary({
      ...BASE,
      databaseUrl: 'postgres://ada:pw@db/latchkey',
      databaseSource: 'env',
    });
    assert.equal(
      summary.nextStep,
      'npx latchkey apps create --name "My app" --origin http://localhost:3000',
    );
  });

  it('shows localhost for a server listening on every interface, brackets for IPv6', () => {
    assert.equal(serveSummary({ ...BASE, host: '0.0.0.0' }).api, 'http://localhost:8080');
    assert.equal(serveSummary({ ...BASE, host: '::' }).api, 'http://localhost:8080');
    assert.equal(serveSummary({ ...BASE, host: '::1' }).docs, 'http://[::1]:8080/docs');
    assert.match(serveBanner({ ...BASE, host: '0.0.0.0' }), /listening on every interface/);
  });
});

describe('database URLs as shown', () => {
  it('hides passwords, keeps users, hosts and paths', () => {
    assert.equal(redactPassword('postgres://u:p@h/d'), 'postgres://u:***@h/d');
    assert.equal(redactPassword('postgresql://u@h/d'), 'postgresql://u@h/d');
    assert.equal(redactPassword('postgres://u:p:q@h/d'), 'postgres://u:***@h/d');
    assert.equal(displayDatabaseUrl('sqlite:data/l.db', '/x'), 'sqlite:/x/data/l.db');
    assert.equal(displayDatabaseUrl('sqlite::memory:', '/x'), 'sqlite::memory:');
    assert.equal(displayDatabaseUrl('sqlite:///abs/l.db', '/x'), 'sqlite:/abs/l.db');
  });
});

describe('log formats', () => {
  it('is text on a terminal and JSON otherwise, unless told; anything else is refused', () => {
    const saved = process.env.LATCHKEY_LOG_FORMAT;
    try {
      delete process.env.LATCHKEY_LOG_FORMAT;
      assert.equal(logFormat(undefined, true), 'text');
      assert.equal(logFormat(undefined, false), 'json');
      assert.equal(logFormat('json', true), 'json');
      process.env.LATCHKEY_LOG_FORMAT = 'json';
      assert.equal(logFormat(undefined, true), 'json');
      assert.equal(logFormat('text', false), 'text');
      process.env.LATCHKEY_LOG_FORMAT = 'pretty';
      assert.throws(
        () => logFormat(undefined, true),
        /invalid log format: pretty \(text or json\)/,
      );
    } finally {
      if (saved === undefined) delete process.env.LATCHKEY_LOG_FORMAT;
      else process.env.LATCHKEY_LOG_FORMAT = saved;
    }
  });

  it('writes a pino line as time, level, message and the other fields', () => {
    assert.equal(
      textLogLine(
        '{"level":40,"time":0,"pid":1,"hostname":"h","msg":"slow","ms":812,"req":{"url":"/"}}',
      ),
      '00:00:00 WARN  slow ms=812 req={"url":"/"}',
    );
    assert.equal(textLogLine('not json\n'), 'not json');
  });
});
