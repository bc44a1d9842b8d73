import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../commands/agent.ts';
import type { CommandIo } from '../commands/io.ts';

const root = new URL('../../', import.meta.url).pathname;
const docsDir = join(root, 'docs', 'agent');
/** The unit's `${SMART_INSTALLATION}`, written so that it is not taken for a template placeholder. */
const SYSTEMD_VAR = ['$', '{SMART_INSTALLATION}'].join('');

/** The agent options in a command line of a shipped file: everything after the word `agent`. */
function agentArgs(line: string): string[] {
  const words: string[] = line.match(/"[^"]*"|\S+/g) ?? [];
  const at = words.indexOf('agent');
  return words.slice(at + 1).filter((w) => !w.startsWith('*>') && !w.startsWith('"$root\\last'));
}

describe('docs/agent.md', () => {
  it('embeds every file of docs/agent/ verbatim, so the copy people paste is the tested one', async () => {
    const md = await readFile(join(root, 'docs', 'agent.md'), 'utf8');
    const files = await readdir(docsDir);
    expect(files.sort()).toEqual([
      'agent.env.example',
      'install-task.ps1',
      'run-agent.ps1',
      'smart-agent.service',
      'smart-agent.timer',
    ]);
    for (const f of files) {
      const text = (await readFile(join(docsDir, f), 'utf8')).trimEnd();
      expect(md, f).toContain(text);
    }
  });

  it('the systemd unit and the PowerShell script start the agent with options it accepts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-docs-'));
    try {
      await writeFile(
        join(dir, 'installations.yaml'),
        'site: { url: https://smart.example }\nclients:\n  - id: acme\n    title: A\n    installations:\n      - id: main\n        title: K\n        url: http://kodeks.acme.example:1/\n        probes: { agent: {} }\n',
      );
      const unit = await readFile(join(docsDir, 'smart-agent.service'), 'utf8');
      const ps1 = await readFile(join(docsDir, 'run-agent.ps1'), 'utf8');
      const lines = [
        unit.split('\n').find((l) => l.startsWith('ExecStart='))!,
        ps1.split('\n').find((l) => l.includes(' agent '))!,
      ];
      for (const line of lines) {
        const args = agentArgs(line).map((w) =>
          w === SYSTEMD_VAR || w === '$installation'
            ? 'acme/main'
            : w.endsWith('installations.yaml') || w.endsWith('installations.yaml"')
              ? 'installations.yaml'
              : w,
        );
        expect(args).toContain('--once');
        expect(args).toContain('--store');
        const out: string[] = [];
        const io: CommandIo = {
          out: (t) => out.push(t),
          err: (t) => out.push(t),
          isTty: false,
          env: {},
          cwd: dir,
        };
        const code = await run([...args, '--dry-run'], io, {
          lister: { list: async () => ({ ok: true, devices: [] }) },
          now: () => new Date('2026-11-28T21:00:00Z'),
          hostname: () => 'srv',
        });
        expect(out.join('\n'), line).toMatch(/agents\/acme\/main\.json: usb absent/);
        expect(code).toBe(0);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
