import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertEntry, Catalog } from '../alerts/catalog.ts';
import type { AlertEvent } from '../alerts/engine/events.ts';
import type { AlertName } from '../alerts/names.ts';
import type { Incident, Outbox } from '../status/schema.ts';
import { type SmtpTestServer, startSmtpServer } from '../testing/smtp-server.ts';
import { startTelegramStandIn, type TelegramStandIn } from '../testing/telegram-stand-in.ts';
import { deliverOutbox } from './deliver.ts';
import { emptyOutbox, enqueue } from './outbox.ts';
import { renderOutbox, renderPlanned } from './render.ts';
import { createMailer } from './smtp-client.ts';
import { morningSummaries } from './summary.ts';
import { createTelegramClient } from './telegram-client.ts';
import { CONFIG_YAML, keyLostFiring, keyLostResolved, testCatalog, testConfig } from './testdata/fixtures.ts';

const TOKEN = '987654:SECRET-mail-test';
const MAIL_YAML = CONFIG_YAML.replace(
  'manager: { name: "Иван Петров", telegram: "@ipetrov" }',
  'manager: { name: "Иван Петров", telegram: "@ipetrov", email: ivan@example.ru }',
)
  .replace(
    'manager: { name: "Мария <script>", telegram: "@maria_k" }',
    'manager: { name: "Мария <script>", telegram: "@maria_k", email: maria@example.ru }',
  )
  .replace(
    'notify:\n  telegram:',
    'notify:\n  email: { from: "SMART <alert@smart.example.ru>" }\n  telegram:',
  );
const config = testConfig(MAIL_YAML);

/** The test catalog with priorities set (as front matter gives them). */
function catalogWith(priorities: Partial<Record<AlertName, number>>): Catalog {
  const map = new Map<AlertName, AlertEntry>();
  for (const [name, entry] of testCatalog()) {
    const withPriority = { ...entry, priority: priorities[name] ?? 1 };
    map.set(name, withPriority);
  }
  return map;
}
const catalog = catalogWith({ KodeksXmlStatusUnavailable: 4 });
const t0 = new Date('2026-11-27T18:05:00Z');

const firing = keyLostFiring({ at: t0.toISOString() });
const resolved = keyLostResolved();

let smtp: SmtpTestServer;
let tg: TelegramStandIn;
beforeEach(async () => {
  smtp = await startSmtpServer();
  tg = await startTelegramStandIn({ token: TOKEN });
});
afterEach(async () => {
  await smtp.close();
  await tg.close();
});

function queue(events: AlertEvent[], now: Date, outbox: Outbox = emptyOutbox()): Outbox {
  const r = renderOutbox(events, { config, catalog, now });
  return enqueue(outbox, r.telegram, r.mail);
}

function deps(now: Date, extra: Partial<Parameters<typeof deliverOutbox>[1]> = {}) {
  return {
    telegram: createTelegramClient(TOKEN, tg.apiRoot, 2000),
    mailer: createMailer(smtp.url, { ca: smtp.caPem, timeoutMs: 2000 }),
    from: 'SMART <alert@smart.example.ru>',
    reportTo: { chat: '-1001234567890', thread: 17 },
    now,
    ...extra,
  };
}

describe('e-mail through a real SMTP server (smtp-server: EHLO, STARTTLS, AUTH)', () => {
  it('firing and its recovery: golden subject and parts, the recovery a reply in the same thread', async () => {
    const run1 = await deliverOutbox(queue([firing], t0), deps(t0));
    expect(run1).toMatchObject({ failed: 0, rejected: 0 });
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail!.envelopeTo).toEqual(['ivan@example.ru']);
    expect(mail!.from).toBe('alert@smart.example.ru');
    expect(mail!.subject).toBe('[К1] Сервер не видит ключ SenseLock — ООО «Акме» · KodeksXmlSensLockStatus');
    await expect(mail!.text).toMatchFileSnapshot('testdata/mail-firing-team.txt');
    await expect(mail!.html).toMatchFileSnapshot('testdata/mail-firing-team.html');
    expect(mail!.html).toContain('href="https://smart.example.ru/docs/errors/KodeksXmlSensLockStatus.md"');
    const later = new Date('2026-11-27T19:05:00Z');
    await deliverOutbox(queue([resolved], later, run1.outbox), deps(later));
    const reply = smtp.mails[1]!;
    expect(reply.subject).toBe(`Re: ${mail!.subject}`);
    expect(reply.inReplyTo).toBe(mail!.messageId);
    expect(reply.references).toEqual([mail!.messageId]);
    expect(reply.text).toContain('Простой 1 ч 5 мин: с 21:00 до 22:05 МСК');
    expect(smtp.logins.every((l) => l.tls)).toBe(true);
  });

  it('a 421 keeps the mail for the next run: delivered then, nothing lost or doubled', async () => {
    smtp.fail([421]);
    const run1 = await deliverOutbox(queue([firing], t0), deps(t0));
    expect(run1.outbox.mail?.map((m) => [m.to, m.attempts])).toEqual([['ivan@example.ru', 1]]);
    expect(run1.outbox.mail?.[0]?.last_error).toMatch(/сервер просит повторить позже \(421\)/);
    const again = queue([firing], t0, run1.outbox); // the same event rendered again queues nothing
    const run2 = await deliverOutbox(again, deps(new Date(t0.getTime() + 5 * 60_000)));
    expect(run2.outbox.mail).toEqual([]);
    const run3 = await deliverOutbox(
      queue([firing], t0, run2.outbox),
      deps(new Date(t0.getTime() + 600_000)),
    );
    expect(run3.sent).toBe(0);
    expect(smtp.mails.map((m) => m.envelopeTo[0])).toEqual(['ivan@example.ru']);
    expect(tg.messages).toHaveLength(2); // Telegram went out in the first run regardless
  });

  it('a 550 is reported once (log and team chat) and never retried', async () => {
    smtp.fail([550]);
    const run1 = await deliverOutbox(queue([firing], t0), deps(t0));
    expect(run1).toMatchObject({ rejected: 1 });
    expect(run1.lines.filter((l) => l.startsWith('mail: не принято'))).toHaveLength(1);
    expect(run1.outbox.mail).toEqual([]);
    const report = run1.outbox.pending.filter((i) => i.id.startsWith('mail-rejected|'));
    expect(report).toHaveLength(1);
    const run2 = await deliverOutbox(
      queue([firing], t0, run1.outbox),
      deps(new Date(t0.getTime() + 300_000)),
    );
    expect(run2.rejected).toBe(0);
    expect(tg.messages.filter((m) => m.plain.includes('письмо не принято'))).toHaveLength(1);
    expect(smtp.mails).toHaveLength(0);
  });

  it('hostile names are escaped in the HTML part and the manager of another client gets nothing of acme', async () => {
    const ev: AlertEvent = { ...firing, client: 'roga', incident: 'inc-roga', diagnosis: undefined };
    await deliverOutbox(queue([ev], t0), deps(t0));
    const mail = smtp.mails.find((m) => m.envelopeTo[0] === 'maria@example.ru')!;
    expect(mail.subject).toBe(
      '[К1] Сервер не видит ключ SenseLock — ООО "<b>Рога</b> & Копыта" · KodeksXmlSensLockStatus',
    );
    expect(mail.html).toContain('ООО "&lt;b&gt;Рога&lt;/b&gt; &amp; Копыта"');
    expect(mail.html).not.toMatch(/<script|<i>1<\/i>|<b>Рога/);
    expect(smtp.mails.map((m) => m.envelopeTo[0])).toEqual(['maria@example.ru']);
  });

  it('a grouped outage is one mail per manager listing that manager’s installations', async () => {
    const grouped: AlertEvent = {
      kind: 'grouped',
      hosting: 'tekhexpert-cloud',
      alert: 'KodeksDnsResolve',
      importance: 'critical',
      at: '2026-11-28T03:05:00Z',
      group: 'g-dns',
      items: [
        {
          client: 'acme',
          installation: 'main',
          hosting: 'tekhexpert-cloud',
          since: '2026-11-28T03:00:00Z',
          incident: 'a',
        },
        {
          client: 'acme',
          installation: 'reserve',
          hosting: 'tekhexpert-cloud',
          since: '2026-11-28T03:00:00Z',
          incident: 'b',
        },
        {
          client: 'roga',
          installation: 'main',
          hosting: 'tekhexpert-cloud',
          since: '2026-11-28T03:01:00Z',
          incident: 'c',
        },
      ],
    };
    const now = new Date('2026-11-28T03:05:00Z');
    await deliverOutbox(queue([grouped], now), deps(now));
    expect(smtp.mails.map((m) => [m.envelopeTo[0], m.subject]).sort()).toEqual([
      [
        'ivan@example.ru',
        '[К1] Имя установки не разрешается в DNS — Техэксперт.Облако, 2 установки · KodeksDnsResolve',
      ],
      [
        'maria@example.ru',
        '[К1] Имя установки не разрешается в DNS — Техэксперт.Облако, 1 установка · KodeksDnsResolve',
      ],
    ]);
  });

  it('priority routing: К4 goes by e-mail only, К1 to Telegram too', () => {
    const low: AlertEvent = {
      ...firing,
      alert: 'KodeksXmlStatusUnavailable',
      importance: 'info',
      incident: 'low',
    };
    const r = renderOutbox([low, firing], { config, catalog, now: t0 });
    expect(r.telegram.map((i) => `${i.id.split('|')[0]}→${i.chat}`)).toEqual([
      'inc-1→-1001234567890',
      'inc-1→-1009999',
    ]);
    expect(r.mail.map((i) => `${i.id.split('|')[0]}→${i.to}`)).toEqual([
      'low→ivan@example.ru',
      'inc-1→ivan@example.ru',
    ]);
  });

  it('Telegram and SMTP both hanging: delivery stops at its budget and keeps everything queued', async () => {
    smtp.fail(['hang', 'hang']);
    tg.fail([{ status: 'hang' }, { status: 'hang' }]);
    const outbox = queue([firing], t0);
    const started = performance.now();
    const r = await deliverOutbox(outbox, {
      ...deps(t0),
      telegram: createTelegramClient(TOKEN, tg.apiRoot, 60_000),
      mailer: createMailer(smtp.url, { ca: smtp.caPem, timeoutMs: 60_000 }),
      budgetMs: 1500,
    });
    const took = performance.now() - started;
    expect(took).toBeLessThan(10_000); // bounded by the budget, not by the clients' own 60 s timeouts
    expect(r.outOfTime).toBe(true);
    expect(r.outbox.pending.length + (r.outbox.mail?.length ?? 0)).toBe(3);
    expect(r.lines.join('\n')).toContain('кончилось время на доставку');
  });
});

describe('working hours (client acme: 08:00–18:00 Moscow; administrator named)', () => {
  const hoursYaml = MAIL_YAML.replace(
    'notify: { client_telegram: { chat: "-1009999" } }',
    'notify: { client_telegram: { chat: "-1009999" }, working_hours: { from: "08:00", to: "18:00" } }\n    administrator: { name: "Пётр", email: admin@example.com, telegram: { chat: "-1007777" } }',
  ).replace(
    '        hosting: tekhexpert-cloud\n        url: https://kodeks.acme.example/',
    '        url: https://kodeks.acme.example/',
  );
  const cfg = testConfig(hoursYaml);
  const night = new Date('2026-11-26T22:00:00Z'); // Friday 01:00 МСК
  const usb: AlertEvent = {
    ...firing,
    hosting: undefined,
    alert: 'KodeksXmlStatusUnavailable',
    importance: 'info',
    since: '2026-11-26T21:55:00Z',
    at: night.toISOString(),
    incident: 'night-1',
    diagnosis: {
      rule: 'x',
      alert: 'KodeksXmlStatusUnavailable',
      cause: 'Сервер 203.0.113.10 не отдаёт XML-статус',
      hint: 'Позвоните Петру: +7 900 000-00-00',
    },
  };

  it('a 01:00 incident: silent at night, told to the administrator without internals, in the 08:00 summary', () => {
    const cat = catalogWith({ KodeksXmlStatusUnavailable: 3 });
    const r = renderOutbox([usb], { config: cfg, catalog: cat, now: night });
    expect(r.telegram.map((i) => [i.chat, i.silent])).toEqual([
      ['-1001234567890', true],
      ['-1007777', true],
    ]);
    const admin = r.mail.find((m) => m.to === 'admin@example.com')!;
    expect(r.mail.map((m) => m.to)).toEqual(['ivan@example.ru', 'admin@example.com']);
    for (const text of [admin.text, admin.html, r.telegram[1]!.text]) {
      expect(text).toContain('Сервер (адрес сообщит менеджер) не отдаёт XML-статус');
      expect(text).toContain('открывается ли с него страница XML-статуса');
      for (const secret of ['203.0.113', 'kodeks.acme', '@ipetrov', 'Сисадмин', 'Петру', 'Что делать'])
        expect(text).not.toContain(secret);
    }
    // A critical alert at night still rings.
    const loud = renderOutbox(
      [{ ...usb, alert: 'KodeksXmlSensLockStatus', importance: 'critical', incident: 'n2' }],
      {
        config: cfg,
        catalog: cat,
        now: night,
      },
    );
    expect(loud.telegram.map((i) => i.silent)).toEqual([undefined, undefined, undefined]);
    // The same alert during working hours rings.
    const day = new Date('2026-11-27T07:30:00Z');
    expect(
      renderOutbox([{ ...usb, at: day.toISOString(), incident: 'd' }], {
        config: cfg,
        catalog: cat,
        now: day,
      }).telegram.map((i) => i.silent),
    ).toEqual([undefined, undefined]);

    const incident: Incident = {
      id: 'night-1',
      client: 'acme',
      installation: 'main',
      alert: 'KodeksXmlStatusUnavailable',
      importance: 'info',
      started_at: usb.since,
      fired_at: night.toISOString(),
      client_visible: false,
      suppressed: false,
      maintenance: false,
    };
    const ctxAt = (iso: string) => ({ config: cfg, catalog: cat, now: new Date(iso) });
    expect(morningSummaries([incident], ctxAt('2026-11-27T04:55:00Z'))).toEqual([]); // 07:55: still night
    const [summary] = morningSummaries([incident], ctxAt('2026-11-27T05:05:00Z')); // 08:05
    expect(summary!.route).toEqual({ email: 'ivan@example.ru' });
    const again = morningSummaries([incident], ctxAt('2026-11-27T06:05:00Z'));
    expect(again.map((p) => p.id)).toEqual([summary!.id]); // one per day: the outbox keeps the id
    const mail = renderPlanned([summary!], ctxAt('2026-11-27T05:05:00Z')).mail[0]!;
    expect(mail.subject).toBe('SMART: сводка за ночь — не работает 1, за ночь 0');
    expect(mail.text).toContain('Ночь с 26.11 18:00 до 08:00 МСК');
    expect(mail.text).toContain(
      'ООО «Акме» · Кодекс — основной сервер — К3 XML-статус ПК недоступен — с 00:55 МСК',
    );
    const resolvedNight = { ...incident, resolved_at: '2026-11-26T23:30:00Z' };
    const [after] = morningSummaries([resolvedNight], ctxAt('2026-11-27T05:05:00Z'));
    expect(after!.notice.summary).toMatchObject({
      firing: [],
      overnight: [{ resolvedAt: '2026-11-26T23:30:00Z' }],
    });
  });
});
