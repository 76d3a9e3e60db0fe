import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const greet = (...args) => execFileSync('./build/greet', args, { encoding: 'utf8' }).trim();

test('greets by name', () => {
  assert.equal(greet('Ada'), 'Hello, Ada!');
});

test('greets the world when no name is given', () => {
  assert.equal(greet(), 'Hello, world!');
});

test('shouts when the name is in capitals', () => {
  // The program does not do this yet: this test fails on purpose.
  assert.equal(greet('ADA'), 'HELLO, ADA!');
});
