import { describe, expect, it } from 'vitest';
import { HIDDEN, redactText } from './redact.ts';

/** redactText as it was before the private values were indexed: every value, in order, over the text. */
function reference(text: string, privates: readonly string[]): string {
  let out = text;
  for (const p of privates) out = out.split(p).join(HIDDEN);
  return redactText(out, []);
}

describe('redactText with many private values', () => {
  it('hides exactly what replacing every value in turn hid, however the values overlap', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const alphabet = ['a', 'b', 'к', 'о', 'д', '-', ' ', '.', '1', 'скр', 'ыто', '[', ']'];
    const word = (n: number) => Array.from({ length: n }, () => pick(alphabet)).join('');
    for (let round = 0; round < 200; round++) {
      const privates = [
        ...new Set(Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => word(1 + Math.floor(rnd() * 5)))),
      ].sort((a, b) => b.length - a.length);
      const text = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () =>
        rnd() < 0.5 ? pick(privates) : word(1 + Math.floor(rnd() * 4)),
      ).join(pick(['', ' ', 'к']));
      expect(redactText(text, privates)).toBe(reference(text, privates));
    }
  });

  it('hides a manager name, a note and a value that only appears once another was hidden', () => {
    const privates = ['Иван Петров', 'ключ у Марии', 'о] x'].sort((a, b) => b.length - a.length);
    expect(redactText('звонил Иван Петров; ключ у Марии', privates)).toBe(`звонил ${HIDDEN}; ${HIDDEN}`);
    // "ключ у Марии" hidden first leaves «[скрыто] x», in which «о] x» now occurs.
    expect(redactText('ключ у Марии x', privates)).toBe(reference('ключ у Марии x', privates));
  });
});
