import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { agentReportSchema } from '../status/schema.ts';
import { refusedPort } from './refused-port.ts';
import { acmeAgentReport, cycleTime, demoConfigYaml, MIN_CYCLES, planCycle } from './scenario.ts';
import { telegramPage } from './screenshots.ts';
import { startStaticServer } from './static-server.ts';

describe('the down installation', () => {
  it('refuses connections', async () => {
    const port = await refusedPort();
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('error', resolve);
      s.on('connect', () => s.destroy());
    });
    expect(err.code).toBe('ECONNREFUSED');
  });
});

describe('static server for the built site', () => {
  const root = mkdtempSync(join(tmpdir(), 'smart-static-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'docs', 'errors', 'KodeksDnsResolve.md'), { recursive: true });
  writeFileSync(
    join(root, 'docs', 'errors', 'KodeksDnsResolve.md', 'index.html'),
    '<h1>KodeksDnsResolve</h1>',
  );
  writeFileSync(join(root, 'index.html'), '<h1>SMART</h1>');
  writeFileSync(join(root, '404.html'), '<h1>Нет страницы</h1>');
  writeFileSync(join(root, 'secret.txt'), 'x');

  it.each([
    ['/', 200, 'SMART'],
    ['/docs/errors/KodeksDnsResolve.md/', 200, 'KodeksDnsResolve'],
    ['/docs/errors/nope/', 404, 'Нет страницы'],
    ['/../../etc/passwd', 404, 'Нет страницы'],
    ['/%2e%2e/%2e%2e/etc/passwd', 404, 'Нет страницы'],
  ])('%s → %i', async (path, status, text) => {
    const s = await startStaticServer(root);
    try {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status).toBe(status);
      expect(await res.text()).toContain(text);
    } finally {
      await s.close();
    }
  });

  it('redirects a directory without the slash, as Pages does', async () => {
    const s = await startStaticServer(root);
    try {
      const res = await fetch(`${s.url}/docs/errors/KodeksDnsResolve.md`, { redirect: 'manual' });
      expect(res.status).toBe(301);
      expect(res.headers.get('location')).toBe('/docs/errors/KodeksDnsResolve.md/');
    } finally {
      await s.close();
    }
  });
});

describe('scenario', () => {
  it('writes an installations.yaml that validates', () => {
    const ports = {
      ...{ dns: 5353, healthy: 1, acme: 2, vostok: 3, sz: 4, down: 5, site: 4321 },
      ...{ port: 6, river: 7, airport: 8, licman: 9 },
    };
    for (const icmp of [true, false]) {
      const r = parseConfig('installations.yaml', demoConfigYaml(ports, { icmp }));
      expect(r.ok).toBe(true);
    }
  });

  it('breaks things in cycle 1 and repairs them before the end', () => {
    const plans = Array.from({ length: 8 }, (_, i) => planCycle(i, 8));
    expect(plans.map((p) => p.hostingDnsDown)).toEqual([false, true, true, true, true, false, false, false]);
    expect(plans.map((p) => p.keyPresent)).toEqual([true, false, false, false, false, true, true, true]);
    // Maintenance mode begins with the trouble and lasts to the end: the pages show it.
    expect(plans.map((p) => p.maintenance)).toEqual([false, true, true, true, true, true, true, true]);
    const short = Array.from({ length: MIN_CYCLES }, (_, i) => planCycle(i, MIN_CYCLES));
    expect(short.map((p) => p.hostingDnsDown)).toEqual([false, true, true, false]);
  });

  it('spaces cycles 5 minutes apart, ending now', () => {
    const end = new Date('2026-11-28T10:00:30Z');
    expect(cycleTime(0, 3, end).toISOString()).toBe('2026-11-28T09:50:00.000Z');
    expect(cycleTime(2, 3, end).toISOString()).toBe('2026-11-28T10:00:00.000Z');
  });

  it('the agent report is valid status data', () => {
    for (const present of [true, false])
      expect(agentReportSchema.safeParse(acmeAgentReport(present, new Date())).success).toBe(true);
  });
});

describe('telegramPage (screenshots of messages)', () => {
  const msg = (text: string, parse_mode?: string) => ({
    chat_id: '-1',
    message_id: 1,
    text,
    plain: text,
    ...(parse_mode ? { parse_mode } : {}),
    buttons: [{ text: 'Что делать', url: 'http://127.0.0.1:1/docs/errors/KodeksDnsResolve.md' }],
  });

  it('keeps Telegram HTML, escapes plain text, draws the buttons', () => {
    const page = telegramPage([msg('<b>DNS</b>', 'HTML'), msg('ООО "<b>Рога</b>"')]);
    expect(page).toContain('<div class="text"><b>DNS</b></div>');
    expect(page).toContain('ООО "&lt;b&gt;Рога&lt;/b&gt;"');
    expect(page).toContain('<span class="btn">Что делать ↗</span>');
  });
});
