// `smart check` with e-mail: an installation goes down and comes back; the manager gets the firing mail and the
// recovery as a reply in its thread from a real SMTP server on loopback (STARTTLS + AUTH), the team chat gets
// the same in Telegram, and SMTP_URL never reaches the output.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type LocalServer, startHttpServer } from '../testing/http-server.ts';
import { type SmtpTestServer, startSmtpServer } from '../testing/smtp-server.ts';
import { startTelegramStandIn, type TelegramStandIn } from '../testing/telegram-stand-in.ts';
import { run } from './check.ts';
import type { CommandIo } from './io.ts';
import { run as notifyTest } from './notify-test.ts';

const DOCS = new URL('../../docs/errors', import.meta.url).pathname;
let dir: string;
let kodeks: LocalServer;
let tg: TelegramStandIn;
let smtp: SmtpTestServer;
let down = false;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smart-check-mail-'));
  kodeks = await startHttpServer((_req, res) => {
    res.writeHead(down ? 500 : 200, { 'content-type': 'text/html' });
    res.end('<html>Кодекс</html>');
  });
  tg = await startTelegramStandIn();
  smtp = await startSmtpServer();
  const config = {
    site: { url: 'https://status.example.ru' },
    checker: { interval: '5m', timeout: '2s', timezone: 'Europe/Moscow' },
    notify: { telegram: { chat: '-1001234567890' }, email: { from: 'SMART <alert@status.example.ru>' } },
    clients: [
      {
        id: 'alfa',
        title: 'ООО «Альфа»',
        manager: { name: 'Иван Петров', email: 'ivan@example.ru' },
        installations: [
          { id: 'kodeks', title: 'Кодекс', url: `http://127.0.0.1:${kodeks.port}/`, probes: { http: {} } },
        ],
      },
    ],
  };
  await writeFile(join(dir, 'installations.yaml'), stringify(config));
});
afterAll(async () => {
  await Promise.all([kodeks?.close(), tg?.close(), smtp?.close()]);
  await rm(dir, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const value: CommandIo = {
    out: (t) => out.push(t),
    err: (t) => out.push(t),
    isTty: false,
    env: { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, SMTP_URL: smtp.url },
    cwd: dir,
  };
  return { value, out };
}

const START = Date.parse('2026-11-28T07:00:00Z');
const hooks = (n: number) => ({ now: () => new Date(START + n * 5 * 60_000), mailerCa: smtp.caPem });

describe('smart check with SMTP_URL', () => {
  it('down and back: a mail and a Telegram message each way, the recovery mail a reply in the thread', async () => {
    const runs: string[] = [];
    for (const [n, isDown] of [
      [0, false],
      [1, true],
      [2, true],
      [3, false],
    ] as const) {
      down = isDown;
      const r = io();
      expect(await run(['--docs', DOCS, '--status-dir', 'status'], r.value, hooks(n))).toBe(0);
      runs.push(r.out.join('\n'));
    }
    expect(tg.messages.map((m) => m.plain.split('\n')[0])).toEqual([
      expect.stringMatching(/^🔴 /),
      expect.stringMatching(/^✅ Восстановлено/),
    ]);
    expect(smtp.mails.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^\[К1\] .* — ООО «Альфа» · KodeksHttp200Status$/),
      expect.stringMatching(/^Re: \[К1\] .* — ООО «Альфа» · KodeksHttp200Status$/),
    ]);
    expect(smtp.mails[1]!.inReplyTo).toBe(smtp.mails[0]!.messageId);
    // The probe's answer travels from the check to the message (the runbook branches on it).
    expect(smtp.mails[0]!.text).toContain('🧪 Проверка: http — HTTP_STATUS (ответ 500)');
    expect(tg.messages[0]!.plain).toContain('🧪 Проверка: http — HTTP_STATUS (ответ 500)');
    expect(smtp.mails.every((m) => m.envelopeTo[0] === 'ivan@example.ru')).toBe(true);
    const outbox = JSON.parse(await readFile(join(dir, 'status', 'outbox.json'), 'utf8'));
    expect([outbox.pending, outbox.mail]).toEqual([[], []]);
    const all = runs.join('\n');
    expect(all).toContain('mail: отправлено');
    expect(all).not.toContain('mail-secret');
    expect(all).not.toContain(smtp.url);
  });

  it('notify-test --email sends one mail and explains a refusal in plain words', async () => {
    const say = async (address: string, url = smtp.url) => {
      const out: string[] = [];
      const code = await notifyTest(['--email', address], {
        out: (t) => out.push(t),
        err: (t) => out.push(t),
        isTty: false,
        env: { SMTP_URL: url },
        cwd: dir,
      });
      return { code, text: out.join('\n') };
    };
    // The command trusts only the system's CAs: a local test server speaks STARTTLS with its own CA, so
    // this one offers no TLS and takes AUTH in clear text (as a relay inside a company network may).
    const plain = await startSmtpServer({ tls: false, requireTls: false });
    try {
      const ok = await say('ivan@example.ru', plain.url);
      expect(ok.code).toBe(0);
      expect(ok.text).toMatch(/^Письмо для ivan@example\.ru принято сервером 127\.0\.0\.1:\d+/);
      expect(plain.mails.map((m) => m.subject)).toEqual(['SMART: проверка почты']);
      const relay = await say('someone@elsewhere.test', plain.url);
      expect(relay).toMatchObject({ code: 1 });
      expect(relay.text).toContain('relay denied');
      const auth = await say('ivan@example.ru', plain.url.replace('mail-secret', 'wrong-pass'));
      expect(auth.text).toContain('не принял логин и пароль из SMTP_URL (535)');
      expect(`${ok.text}${relay.text}${auth.text}`).not.toMatch(/mail-secret|wrong-pass/);
    } finally {
      await plain.close();
    }
    const noTls = await startSmtpServer({ tls: false });
    const tls = await say('ivan@example.ru', noTls.url);
    await noTls.close();
    expect(tls.text).toContain('почтовый сервер требует шифрования');
    expect((await say('ivan@example.ru', '')).text).toContain('SMTP_URL is not set');
  });
});
