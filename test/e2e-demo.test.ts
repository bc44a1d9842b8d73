/**
 * End to end: the demo's scenario through the real cycle (probes against fake installations on loopback,
 * diagnosis, alert engine, fs store, outbox, Telegram stand-in), then the site built from the status data.
 * Checks what a manager and a client would see: the incidents of both business cases opened and resolved,
 * one grouped message for the hosting, and the pages.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoHandle, runDemo } from '../checker/demo/run-demo.ts';
import { siteMissing } from '../checker/demo/site-build.ts';
import type { Incident } from '../checker/status/schema.ts';

const root = join(import.meta.dirname, '..');
const noSite = siteMissing(root);

let demo: DemoHandle;
let incidents: Incident[];
const lines: string[] = [];

beforeAll(async () => {
  demo = await runDemo({
    cycles: 6,
    intervalMs: 0,
    port: 0,
    serve: !noSite,
    build: !noSite,
    root,
    log: (l) => lines.push(l),
  });
  const dir = join(demo.statusDir, 'incidents');
  incidents = readdirSync(dir).flatMap(
    (f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { incidents: Incident[] }).incidents,
  );
}, 180_000);

afterAll(async () => {
  await demo?.stop();
});

const of = (client: string, alert: string) =>
  incidents.filter((i) => i.client === client && i.alert === alert);

describe('demo scenario, status data', () => {
  it('case 1: the SenseLock key incident opened and resolved, blamed on the USB forwarding', () => {
    const [xml] = of('acme', 'KodeksXmlSensLockStatus');
    expect(xml).toBeDefined();
    expect(xml!.fired_at).toBeDefined();
    expect(xml!.resolved_at).toBeDefined();
    expect(xml!.diagnosis?.cause).toMatch(/USB/);
    expect(xml!.diagnosis?.hint).toMatch(/проброс/);
    // One key, one incident (issue 17.4): the agent's view of USB is the cause, not a second alert.
    expect(of('acme', 'KodeksUsbKeyMissing')).toEqual([]);
    expect(incidents.filter((i) => i.client === 'acme' && i.client_visible && !i.suppressed)).toHaveLength(1);
  });

  it('«Первая линия»: a licence running out tomorrow, named by its database, opened and resolved', () => {
    const [licence] = of('pervaya-liniya', 'KodeksLicenseExpiring2day');
    expect(licence?.fired_at).toBeDefined();
    expect(licence?.resolved_at).toBeDefined();
    expect(licence?.diagnosis?.cause).toMatch(/^Лицензия базы «Кодекс: Медицина» заканчивается через 1 день/);
  });

  it('«Первая линия»: an operup not updated for four days, read from its sysinfo report, opened and resolved', () => {
    const [operup] = of('pervaya-liniya', 'KodeksDBOperUpToOld');
    expect(operup?.resolved_at).toBeDefined();
    expect(operup?.diagnosis?.cause).toMatch(/^Оперативное обновление «stroy\.op» не обновлялось 4 дн\./);
  });

  it('case 2: DNS incidents at the hosting, grouped, resolved; proxy alerts held back', () => {
    const dns = [...of('vostok-stroy', 'KodeksDnsResolve'), ...of('severny-zavod', 'KodeksDnsResolve')];
    expect(dns).toHaveLength(2);
    for (const i of dns) {
      expect(i.resolved_at).toBeDefined();
      expect(i.hosting).toBe('tekhexpert-cloud');
      expect(i.diagnosis?.cause).toContain('DNS не отвечает, установка доступна по IP-адресу');
    }
    expect(dns[0]!.group).toBeDefined();
    expect(dns[1]!.group).toBe(dns[0]!.group);
    const proxy = [
      ...of('vostok-stroy', 'KodeksBehindProxyDown'),
      ...of('severny-zavod', 'KodeksBehindProxyDown'),
    ];
    for (const i of proxy) expect(i.suppressed).toBe(true);
  });

  it('the reachable installation has only the incidents of its sysinfo report; the down one is still open', () => {
    const sysinfoAlerts = /^(KodeksDBOperUpToOld|KodeksLicenseExpiring(2|7|90)day)$/;
    expect(incidents.filter((i) => i.client === 'pervaya-liniya' && !sysinfoAlerts.test(i.alert))).toEqual(
      [],
    );
    const down = of('medcenter', 'KodeksTcpStatus');
    expect(down).toHaveLength(1);
    expect(down[0]!.resolved_at).toBeUndefined();
    // Refused connections prove the server is up: its service is down, not its network (issue 17.6).
    expect(down[0]!.diagnosis?.cause).toMatch(/^Сервер в сети, но служба ПК не принимает соединения/);
    expect(down[0]!.diagnosis?.cause).not.toMatch(/недоступны/);
  });

  it('three PKs in maintenance mode: one mass group, maintenance on their pages, not an outage', () => {
    const maint = ['severny-port', 'rechnoy-vokzal', 'aeroport-yuzhny'].flatMap((c) =>
      of(c, 'KodeksMaintenance'),
    );
    expect(maint).toHaveLength(3);
    expect(new Set(maint.map((i) => i.group)).size).toBe(1);
    expect(maint.every((i) => i.mass === 'KodeksMaintenanceCount' && !i.resolved_at)).toBe(true);
    expect(maint[0]!.diagnosis?.rule).toBe('maintenance_mode');
    for (const c of ['severny-port', 'rechnoy-vokzal', 'aeroport-yuzhny']) {
      expect(of(c, 'KodeksBehindProxyDown')).toEqual([]);
      expect(of(c, 'KodeksHttp200Status')).toEqual([]);
      const state = JSON.parse(readFileSync(join(demo.statusDir, 'state', `${c}.json`), 'utf8'));
      expect(state.installations.main.overall).toBe('under_maintenance');
      expect(state.installations.main.components.access.status).toBe('maintenance');
    }
    // «Медцентр»'s licence manager answers: nothing about it.
    expect(of('medcenter', 'LicmanTcpStatus')).toEqual([]);
  });

  it('the state files say who is up now and the heartbeat says when', () => {
    const state = (c: string) => JSON.parse(readFileSync(join(demo.statusDir, 'state', `${c}.json`), 'utf8'));
    expect(state('acme').installations.main.overall).toBe('operational');
    expect(state('vostok-stroy').installations.kodeks.overall).toBe('operational');
    expect(state('medcenter').installations.main.overall).not.toBe('operational');
    const hb = JSON.parse(readFileSync(join(demo.statusDir, 'heartbeat.json'), 'utf8'));
    expect(hb.vantage).toBe('demo');
  });
});

describe('demo scenario, Telegram', () => {
  const firing = () => demo.messages.filter((m) => !m.plain.includes('Восстановлено'));

  it('one grouped message for the hosting, not one per installation', () => {
    const dns = firing().filter((m) => m.plain.includes('DNS') && m.plain.includes('Техэксперт.Облако'));
    expect(dns).toHaveLength(1);
    expect(dns[0]!.plain).toContain('АО «Восток-Строй»');
    expect(dns[0]!.plain).toContain('ПАО «Северный завод»');
  });

  it('one mass message for the three PKs in maintenance, not three', () => {
    const mass = firing().filter((m) =>
      m.buttons.some((b) => b.url.endsWith('/docs/errors/KodeksMaintenanceCount.md')),
    );
    expect(mass).toHaveLength(1);
    for (const c of ['АО «Северный порт»', 'ООО «Речной вокзал»', 'АО «Аэропорт Южный»'])
      expect(mass[0]!.plain).toContain(c);
    expect(mass[0]!.plain).toContain('Затронуто установок: 3 (клиентов: 3)');
    const single = firing().filter((m) =>
      m.buttons.some((b) => b.url.endsWith('/docs/errors/KodeksMaintenance.md')),
    );
    expect(single).toEqual([]);
  });

  it('case 1 message links the SenseLock runbook on the demo site', () => {
    const key = firing().find((m) =>
      m.buttons.some((b) => b.url.endsWith('/docs/errors/KodeksXmlSensLockStatus.md')),
    );
    expect(key?.plain).toContain('ООО «Акме»');
    expect(key?.buttons.map((b) => b.url)).toContainEqual(
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/status\/acme\/$/),
    );
  });

  it('case 1 is one message about the key, with the USB forwarding as its cause', () => {
    const key = firing().filter((m) => m.plain.includes('ООО «Акме»') && /SenseLock/.test(m.plain));
    expect(key).toHaveLength(1);
    expect(key[0]!.plain).toMatch(/проброс/);
  });

  it('resolved messages reply to the firing ones and say the downtime', () => {
    const resolved = demo.messages.filter((m) => m.plain.includes('Восстановлено'));
    // Case 1: one recovery for the key of «Акме»; case 2: one recovery for the hosting, like its one alert.
    expect(resolved.length).toBeGreaterThanOrEqual(2);
    expect(resolved.filter((m) => m.plain.includes('ООО «Акме»') && /SenseLock/.test(m.plain))).toHaveLength(
      1,
    );
    for (const m of resolved) {
      expect(m.reply_to_message_id).toBeDefined();
      expect(m.plain).toMatch(/[Пп]ростой \d+ мин/);
    }
    expect(resolved.filter((m) => m.plain.includes('Техэксперт.Облако'))).toHaveLength(1);
  });

  it('the demo printed every message it sent', () => {
    expect(lines.filter((l) => l.includes('✉ Telegram'))).toHaveLength(demo.messages.length);
  });

  it('the managers got a mail for every Telegram alert, the recoveries as replies in the thread', () => {
    expect(lines.filter((l) => l.includes('✉ Письмо'))).toHaveLength(demo.mails.length);
    const grouped = demo.mails.filter((m) => m.subject.includes('Техэксперт.Облако'));
    // Case 2: each manager gets one mail for the hosting-wide outage and one reply when it is over.
    expect(grouped.map((m) => [m.envelopeTo[0], Boolean(m.inReplyTo)])).toEqual([
      ['maria.sokolova@example.ru', false],
      ['maria.sokolova@example.ru', true],
    ]);
    expect(grouped[1]!.subject).toBe(`Re: ${grouped[0]!.subject}`);
    const key = demo.mails.find((m) => m.subject.includes('ООО «Акме»'));
    expect(key?.envelopeTo).toEqual(['ivan.petrov@example.ru']);
    expect(key?.html).toContain('Что делать');
  });
});

describe('demo scenario, site', () => {
  it.skipIf(Boolean(noSite))(`pages are built${noSite ? ` — SKIPPED: ${noSite}` : ''}`, () => {
    expect(demo.siteDir, lines.slice(-20).join('\n')).toBeDefined();
    const page = (p: string) => join(demo.siteDir!, p, 'index.html');
    for (const p of [
      '',
      'status/acme',
      'status/vostok-stroy',
      'status/severny-zavod',
      'status/medcenter',
      'docs/errors/KodeksXmlSensLockStatus.md',
      'docs/errors/KodeksDnsResolve',
    ])
      expect(existsSync(page(p)), p).toBe(true);
    // «Медцентр» refuses connections: the network row works, the access row fails (issue 17.6).
    const medcenter = readFileSync(page('status/medcenter'), 'utf8');
    const row = (name: string) =>
      new RegExp(
        `<span>\\s*${name}\\s*(?:<span class="why">[^<]*</span>\\s*)?</span>\\s*<span class="state t-(\\w+)"`,
      ).exec(medcenter)?.[1];
    expect(row('Сеть')).toBe('ok');
    expect(row('Доступ по адресу')).toBe('bad');
    // A PK in maintenance mode: «Плановые работы», its access row «Техобслуживание», never «Сбой».
    const port = readFileSync(page('status/severny-port'), 'utf8');
    expect(port).toContain('Плановые работы');
    expect(port).toMatch(
      /Доступ по адресу[\s\S]{0,200}?<span class="state t-maint">[\s\S]{0,80}?Техобслуживание/,
    );
    expect(port).not.toMatch(/Доступ по адресу[\s\S]{0,200}?t-bad/);
    // The PK's own maintenance is a state, not an incident of the client's.
    expect(port).not.toContain('Текущие инциденты');
    const acme = readFileSync(page('status/acme'), 'utf8');
    expect(acme).toContain('Акме');
    // Private fields never reach the site.
    expect(acme).not.toContain('USB Redirector');
    expect(acme).not.toContain('@ipetrov');
  });

  it.skipIf(Boolean(noSite))(
    `serves the site and the runbook links of the messages${noSite ? ` — SKIPPED: ${noSite}` : ''}`,
    async () => {
      expect(demo.siteUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const home = await fetch(`${demo.siteUrl}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('Восток-Строй');
      const links = new Set(demo.messages.flatMap((m) => m.buttons.map((b) => b.url)));
      expect(links.size).toBeGreaterThan(3);
      for (const url of links) {
        // Only the demo's own server is ever contacted.
        expect(url.startsWith(`${demo.siteUrl}/`), url).toBe(true);
        expect((await fetch(url)).status, url).toBe(200);
      }
    },
  );
});

describe('demo stop', () => {
  it('closes every server and removes the temporary folder', async () => {
    const url = demo.siteUrl;
    const dnsPort = demo.configFile && readFileSync(demo.configFile, 'utf8').match(/127\.0\.0\.1:(\d+)/)?.[1];
    expect(dnsPort).toBeDefined();
    await demo.stop();
    expect(existsSync(demo.dir)).toBe(false);
    if (url) await expect(fetch(`${url}/`)).rejects.toThrow();
  });
});
