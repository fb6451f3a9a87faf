import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BodyParseError, MAX_JSON_DEPTH, parseJsonBody } from './json-body.ts';

describe('parseJsonBody', () => {
  it('reads an empty body as {}', () => {
    assert.deepEqual(parseJsonBody(''), {});
    assert.deepEqual(parseJsonBody('  \n'), {});
  });

  it('parses objects and ignores brackets inside strings when measuring depth', () => {
    const text = `[{${'['.repeat(100)}\\"`;
    assert.deepEqual(parseJsonBody(JSON.stringify({ a: text })), { a: text });
  });

  it('accepts nesting exactly at the limit, however few or many brackets the body holds', () => {
    const atLimit = `${'{"a":'.repeat(MAX_JSON_DEPTH - 1)}{}${'}'.repeat(MAX_JSON_DEPTH - 1)}`;
    assert.ok(parseJsonBody(atLimit));
    // Past the limit in brackets (inside strings), not in depth: measured exactly, and accepted.
    const padded = JSON.stringify({ a: '{'.repeat(MAX_JSON_DEPTH), b: [[[]]] });
    assert.ok(parseJsonBody(padded));
  });

  it('refuses nesting deeper than the limit, non-objects and malformed JSON', () => {
    const deep = `${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`;
    for (const text of [deep, '[]', '1', 'null', '"s"', '{', '{"a":1}x']) {
      assert.throws(() => parseJsonBody(text), BodyParseError, text.slice(0, 20));
    }
  });
});
