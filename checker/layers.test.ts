import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The checker's house has one way down: commands → check-run → notify → alerts → diagnose → vantages, shards
 * → probing → probes → config, with the status model (`status/`) at the bottom. The pure parts never reach
 * for I/O: a module under these folders (test kits and tests included) must not import the folders named
 * against it.
 */
const RULES: { folder: string; never: string[] }[] = [
  { folder: 'alerts', never: ['store', 'notify', 'commands', 'check-run'] },
  { folder: 'diagnose', never: ['store', 'notify', 'commands', 'check-run', 'alerts/engine'] },
  { folder: 'probes', never: ['store', 'notify', 'commands', 'check-run', 'alerts'] },
  {
    folder: 'status',
    never: ['store', 'notify', 'commands', 'check-run', 'probing', 'diagnose', 'alerts/engine'],
  },
  { folder: 'sla', never: ['store', 'notify', 'commands', 'check-run'] },
  // Scale-out: which installations a shard checks, its result file, and the vantages' quorum are pure.
  { folder: 'shards', never: ['store', 'notify', 'commands', 'check-run', 'alerts', 'diagnose'] },
  { folder: 'vantages', never: ['store', 'notify', 'commands', 'check-run', 'alerts', 'diagnose'] },
  // Words shared by the site and the messages (durations): a leaf that imports nothing of the checker.
  {
    folder: 'text',
    never: [
      'store',
      'notify',
      'commands',
      'check-run',
      'alerts',
      'diagnose',
      'probing',
      'probes',
      'config',
      'status',
      'sla',
    ],
  },
];

const here = path.dirname(new URL(import.meta.url).pathname);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.[^']+)'/g)].map(
    (m) => m[1] as string,
  );
  return specs.map((s) => path.relative(here, path.resolve(path.dirname(file), s)));
}

describe('checker layering', () => {
  for (const { folder, never } of RULES) {
    it(`${folder}/ imports none of ${never.join(', ')}`, () => {
      const offending: string[] = [];
      for (const file of sources(path.join(here, folder))) {
        for (const target of importsOf(file)) {
          if (never.some((n) => target === n || target.startsWith(`${n}/`)))
            offending.push(`${path.relative(here, file)} → ${target}`);
        }
      }
      expect(offending).toEqual([]);
    });
  }
});
