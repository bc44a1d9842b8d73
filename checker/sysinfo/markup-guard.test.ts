import { describe, expect, it } from 'vitest';
import { ReportError } from './extract.ts';
import { MarkupGuard } from './markup-guard.ts';

const passes = (chunks: string[], max = 20) => {
  const g = new MarkupGuard(max);
  try {
    for (const c of chunks) g.feed(c);
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(ReportError);
    return false;
  }
};

describe('MarkupGuard: no single piece of markup longer than the limit', () => {
  it.each([
    ['short tags and long text', ['<a>', 'x'.repeat(1000), '</a>'], true],
    ['a long tag', [`<a b="${'x'.repeat(30)}">`], false],
    ['a long tag split across chunks', ['<a b="xxxxxxxx', 'xxxxxxxxxxxxxxxxx">'], false],
    ['">" inside a quoted value does not end the tag', [`<a b=">${'x'.repeat(30)}">`], false],
    ['a long comment with ">" inside', [`<!--${'>'.repeat(30)}-->`], false],
    ['a long CDATA with "]>" inside', [`<![CDATA[${']>'.repeat(20)}]]>`], false],
    ['a short comment, then text', ['<!-- a -->', 'x'.repeat(100)], true],
    ['a short CDATA, then text', ['<![CDATA[a]]>', 'x'.repeat(100)], true],
    ['a processing instruction', ['<?xml version="1.0"?>', 'x'.repeat(100)], false],
  ])('%s', (_name, chunks, ok) => {
    expect(passes(chunks)).toBe(ok);
  });

  it('a declaration under the limit passes', () => {
    expect(passes(['<?xml version="1.0"?><a/>'], 100)).toBe(true);
  });
});
