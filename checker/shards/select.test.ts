import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { parseShardSpec, shardConfig, shardOf } from './select.ts';

const keys = (n: number) =>
  Array.from({ length: n }, (_, i) => [`client-${Math.floor(i / 3)}`, `inst-${i % 3}`] as const);

describe('parseShardSpec', () => {
  it.each([
    ['1/1', { index: 1, count: 1 }],
    ['3/10', { index: 3, count: 10 }],
    ['256/256', { index: 256, count: 256 }],
  ])('%s → %j', (text, want) => {
    expect(parseShardSpec(text)).toEqual(want);
  });

  it.each([
    ['0/4', 'I is 1 to N (4)'],
    ['5/4', 'I is 1 to N (4)'],
    ['1/0', 'N is 1 to 256'],
    ['1/300', 'N is 1 to 256'],
    ['3', 'expects I/N such as 3/10'],
    ['a/b', 'expects I/N such as 3/10'],
  ])('%s is refused: %s', (text, words) => {
    expect(parseShardSpec(text)).toContain(words);
  });
});

describe('shardOf', () => {
  it('puts every installation in exactly one shard, and 10,000 spread evenly over 10', () => {
    const sizes = new Array(10).fill(0);
    for (const [c, i] of keys(10_000)) {
      const s = shardOf(c, i, 10);
      expect(s).toBeGreaterThanOrEqual(1);
      expect(s).toBeLessThanOrEqual(10);
      sizes[s - 1]++;
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10_000);
    for (const size of sizes) expect(Math.abs(size - 1000)).toBeLessThan(150);
  });

  it('depends only on the installation: others added or removed never move it', () => {
    const all = keys(3000);
    const before = new Map(all.map(([c, i]) => [`${c}/${i}`, shardOf(c, i, 7)]));
    // The same installations in another order, half of the others gone and new ones added.
    const after = [...all.filter((_, n) => n % 2 === 0).reverse(), ...keys(4000).slice(3000)];
    for (const [c, i] of after)
      if (before.has(`${c}/${i}`)) expect(shardOf(c, i, 7)).toBe(before.get(`${c}/${i}`));
  });

  it('moves only about 1/(N + 1) of the installations, all to the new shard, when a shard is added', () => {
    let moved = 0;
    for (const [c, i] of keys(10_000)) {
      const a = shardOf(c, i, 10);
      const b = shardOf(c, i, 11);
      if (a !== b) {
        moved++;
        expect(b).toBe(11);
      }
    }
    expect(moved / 10_000).toBeGreaterThan(0.07);
    expect(moved / 10_000).toBeLessThan(0.11);
  });
});

describe('shardConfig', () => {
  const yaml = `
site: { url: https://status.test }
clients:
${Array.from(
  { length: 12 },
  (_, n) => `  - id: c${n}
    title: C${n}
    installations:
      - { id: a, title: A, url: https://a${n}.test/, probes: { http: {} } }
      - { id: b, title: B, url: https://b${n}.test/, probes: { http: {} } }`,
).join('\n')}
`;
  const parsed = parseConfig('installations.yaml', yaml);
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
  const config = parsed.config;

  it('gives every installation to one shard of N, and drops clients left without installations', () => {
    const seen: string[] = [];
    for (let index = 1; index <= 3; index++) {
      const part = shardConfig(config, { index, count: 3 });
      for (const c of part.clients) {
        expect(c.installations.length).toBeGreaterThan(0);
        for (const i of c.installations) seen.push(`${c.id}/${i.id}`);
      }
      expect(part.checker).toBe(config.checker);
    }
    expect(seen.sort()).toEqual(
      config.clients.flatMap((c) => c.installations.map((i) => `${c.id}/${i.id}`)).sort(),
    );
  });

  it('1/1 is the whole configuration', () => {
    expect(shardConfig(config, { index: 1, count: 1 }).clients).toEqual(config.clients);
  });
});
