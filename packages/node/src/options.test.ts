import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassageError, PassageFlex, type PassageFlexOptions } from './index.ts';
import { resolveOptions } from './options.ts';

const valid = { appId: 'app', apiKey: 'key', baseUrl: 'http://127.0.0.1:8080' };

function refuses(options: unknown, mentions: string): void {
  assert.throws(
    () => new PassageFlex(options as PassageFlexOptions),
    (error: unknown) => {
      assert.ok(error instanceof PassageError);
      assert.equal(error.errorCode, 'invalid_argument');
      assert.equal(error.statusCode, 0);
      assert.ok(error.message.includes(mentions), error.message);
      return true;
    },
  );
}

describe('PassageFlex options', () => {
  it('refuses missing or empty appId, apiKey and baseUrl, naming the option', () => {
    refuses(undefined, 'options');
    refuses({ ...valid, appId: undefined }, 'appId');
    refuses({ ...valid, appId: '  ' }, 'appId');
    refuses({ ...valid, apiKey: '' }, 'apiKey');
    refuses({ ...valid, apiKey: 42 }, 'apiKey');
    refuses({ appId: 'app', apiKey: 'key' }, 'baseUrl');
  });

  it('refuses a baseUrl that is not an absolute http(s) URL without query or fragment', () => {
    refuses({ ...valid, baseUrl: 'passkeys.example.com' }, 'absolute');
    refuses({ ...valid, baseUrl: 'ftp://passkeys.example.com' }, 'http');
    refuses({ ...valid, baseUrl: 'https://passkeys.example.com/?a=1' }, 'query');
  });

  it('refuses timeouts and retry counts that are not sensible whole numbers', () => {
    refuses({ ...valid, timeoutMs: 0 }, 'timeoutMs');
    refuses({ ...valid, timeoutMs: 1.5 }, 'timeoutMs');
    refuses({ ...valid, timeoutMs: Number.POSITIVE_INFINITY }, 'timeoutMs');
    refuses({ ...valid, retries: -1 }, 'retries');
    refuses({ ...valid, retries: 0.5 }, 'retries');
    refuses({ ...valid, retries: 11 }, 'retries');
  });

  it('applies defaults: 10 s, 2 retries, the global fetch', () => {
    const resolved = resolveOptions(valid);
    assert.equal(resolved.timeoutMs, 10_000);
    assert.equal(resolved.retries, 2);
    assert.equal(resolved.fetch, globalThis.fetch);
  });

  it('appends /v1/apps/<appId> to the base URL, keeping a prefix and dropping a trailing /v1', () => {
    const url = (baseUrl: string, appId = 'app') =>
      resolveOptions({ ...valid, baseUrl, appId }).appUrl;
    assert.equal(url('https://passkeys.example.com'), 'https://passkeys.example.com/v1/apps/app');
    assert.equal(url('https://passkeys.example.com/'), 'https://passkeys.example.com/v1/apps/app');
    assert.equal(
      url('https://passkeys.example.com/v1'),
      'https://passkeys.example.com/v1/apps/app',
    );
    assert.equal(url('https://example.com/auth/'), 'https://example.com/auth/v1/apps/app');
    assert.equal(url('https://example.com', 'a/b'), 'https://example.com/v1/apps/a%2Fb');
  });
});
