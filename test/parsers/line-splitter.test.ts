import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../src/parsers/line-splitter.ts';

function split(chunks: Array<Buffer | string>): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  return lines;
}

function bytewise(text: string): Buffer[] {
  return [...Buffer.from(text, 'utf8')].map((byte) => Buffer.from([byte]));
}

describe('LineSplitter', () => {
  it('splits on LF and CRLF, keeps empty lines and a final unterminated line', () => {
    assert.deepEqual(split(['one\ntwo\r\n\nthree']), ['one', 'two', '', 'three']);
  });

  it('emits nothing extra after a trailing newline', () => {
    assert.deepEqual(split(['one\n', 'two\n']), ['one', 'two']);
    assert.deepEqual(split(['']), []);
  });

  it('leaves a CR inside a line for the parser to resolve', () => {
    assert.deepEqual(split(['[ 10%]\r[ 20%]\r\n']), ['[ 10%]\r[ 20%]']);
  });

  it('joins a line split across chunks, including a CRLF split between CR and LF', () => {
    assert.deepEqual(split(['/src/a.c:1', ':2: error: x\r', '\nnext']), [
      '/src/a.c:1:2: error: x',
      'next',
    ]);
  });

  it('decodes multi-byte characters split across chunks', () => {
    const text = 'Übersicht.swift:3:1: warning: ✓ 🚀 done\nnúcleo\n';
    assert.deepEqual(split(bytewise(text)), ['Übersicht.swift:3:1: warning: ✓ 🚀 done', 'núcleo']);
  });

  it('accepts string and Buffer chunks mixed', () => {
    assert.deepEqual(split([Buffer.from('ab'), 'c\nd', Buffer.from('e\n')]), ['abc', 'de']);
  });

  it('caps a line at 64 KiB and says how much it dropped', () => {
    const long = 'x'.repeat(200 * 1024);
    const lines = split([long.slice(0, 70_000), long.slice(70_000), '\nafter\n']);

    assert.equal(lines.length, 2);
    assert.equal(lines[0], `${'x'.repeat(65_536)} […line truncated, 139264 more bytes]`);
    assert.equal(lines[1], 'after');
  });

  it('cuts a capped line on a character boundary', () => {
    // 3 bytes each: 21845 fit in 65536 bytes, with one byte to spare.
    const lines = split(['€'.repeat(30_000), '\n']);
    const dropped = 30_000 * 3 - 21_845 * 3;
    assert.equal(lines[0], `${'€'.repeat(21_845)} […line truncated, ${dropped} more bytes]`);
  });

  it('caps an endless line that never sees a newline', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    for (let i = 0; i < 64; i += 1) splitter.write(chunk);
    splitter.end();

    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.startsWith('A'.repeat(65_536)));
    assert.ok(lines[0]!.endsWith(`[…line truncated, ${63 * 65_536} more bytes]`));
  });
});
