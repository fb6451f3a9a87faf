import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statementsIn } from './database-statements.ts';

test('sums the statement counter over its labels', () => {
  const text = [
    '# HELP latchkey_database_statements_total Statements sent to the database',
    '# TYPE latchkey_database_statements_total counter',
    'latchkey_database_statements_total{kind="read"} 40',
    'latchkey_database_statements_total{kind="write",note="a } b"} 2',
  ].join('\n');
  assert.equal(statementsIn(text), 42);
});

test('reads an unlabelled counter', () => {
  assert.equal(statementsIn('latchkey_database_statements_total 7\n'), 7);
});

test('is null when the server does not count statements', () => {
  const text = 'latchkey_database_statements_total_created 1\nlatchkey_http_requests 3\n';
  assert.equal(statementsIn(text), null);
});
