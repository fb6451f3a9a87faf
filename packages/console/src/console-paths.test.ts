import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiPath, isPathSegment, UnsafePathSegmentError } from './ui/paths.ts';

describe('console API paths', () => {
  it('encodes every segment, so a fragment-supplied id stays one segment', () => {
    assert.equal(apiPath(['apps', 'a1', 'users', 'u1']), '/apps/a1/users/u1');
    assert.equal(apiPath(['apps', 'a1', 'users', '../../keys']), '/apps/a1/users/..%2F..%2Fkeys');
    assert.equal(apiPath(['apps', 'a1', 'users', 'x?y#z']), '/apps/a1/users/x%3Fy%23z');
    assert.equal(apiPath(['apps', 'a 1/%']), '/apps/a%201%2F%25');
  });

  it('resolves to the route it names, whatever the segment holds', () => {
    const path = apiPath(['apps', 'a1', 'users', '../../../apps/other', 'passkeys', 'd1']);
    const url = new URL(`/admin/v1${path}`, 'https://latchkey.example');
    assert.equal(url.pathname, '/admin/v1/apps/a1/users/..%2F..%2F..%2Fapps%2Fother/passkeys/d1');
    assert.equal(url.search, '');
  });

  it('refuses empty and dot segments, which the URL parser would resolve', () => {
    for (const segment of ['', '.', '..', '%2e', '%2E%2e', '.%2e']) {
      assert.equal(isPathSegment(segment), false, segment);
      assert.throws(() => apiPath(['apps', segment]), UnsafePathSegmentError, segment);
    }
    assert.equal(isPathSegment('...'), true);
  });

  it('appends the defined, non-empty query parameters', () => {
    assert.equal(
      apiPath(['apps', 'a1', 'users'], { external_id: 'a&b', limit: 50, q: '' }),
      '/apps/a1/users?external_id=a%26b&limit=50',
    );
  });
});
