import { afterEach, describe, expect, it } from 'vitest';
import { closedPort } from '../testing/http-server.ts';
import { type SmtpTestServer, startSmtpServer } from '../testing/smtp-server.ts';
import { createMailer, describeMailFailure, type MailRequest } from './smtp-client.ts';

const mail = (to: string): MailRequest => ({
  from: 'SMART <alert@smart.example.ru>',
  to,
  subject: 'Проверка',
  html: '<p>Привет</p>',
  text: 'Привет',
  messageId: '<test-1@smart.example.ru>',
  date: new Date('2026-11-28T03:00:00Z'),
});

let servers: SmtpTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function server(opts: Parameters<typeof startSmtpServer>[0] = {}) {
  const s = await startSmtpServer(opts);
  servers.push(s);
  return s;
}

describe('createMailer against a real SMTP server (smtp-server, STARTTLS + AUTH)', () => {
  it('delivers over STARTTLS after AUTH; the password never shows', async () => {
    const s = await server();
    const r = await createMailer(s.url, { ca: s.caPem }).send(mail('ivan@example.ru'));
    expect(r.ok).toBe(true);
    expect(s.logins).toEqual([{ user: 'smart', ok: true, tls: true }]);
    expect(s.mails.map((m) => [m.envelopeTo, m.subject, m.messageId])).toEqual([
      [['ivan@example.ru'], 'Проверка', '<test-1@smart.example.ru>'],
    ]);
  });

  it('explains auth failed, relay denied, TLS required, refused and silent servers in words', async () => {
    const s = await server();
    const wrong = s.url.replace('mail-secret', 'wrong-password');
    const auth = await createMailer(wrong, { ca: s.caPem }).send(mail('ivan@example.ru'));
    const relay = await createMailer(s.url, { ca: s.caPem }).send(mail('someone@elsewhere.test'));
    const plain = await server({ tls: false });
    const tls = await createMailer(plain.url).send(mail('ivan@example.ru'));
    const refused = await createMailer(`smtp://u:p@127.0.0.1:${await closedPort()}`).send(
      mail('a@example.ru'),
    );
    const silent = await server({ silent: true });
    const t0 = Date.now();
    const hung = await createMailer(silent.url, { timeoutMs: 300 }).send(mail('a@example.ru'));
    expect(Date.now() - t0).toBeLessThan(5000);
    const words = [auth, relay, tls, refused, hung].map((r) => (r.ok ? 'ok' : describeMailFailure(r.error)));
    expect(words[0]).toMatch(/^почтовый сервер не принял логин и пароль из SMTP_URL \(535\)/);
    expect(words[1]).toMatch(/relay denied, 550/);
    expect(words[2]).toMatch(/^почтовый сервер требует шифрования/);
    expect(words[3]).toMatch(/^нет связи с почтовым сервером: 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(words[4]).toMatch(/^почтовый сервер не отвечает: 127\.0\.0\.1:\d+ не ответил за 300 мс/);
    expect(JSON.stringify([auth, relay, tls, refused, hung, words])).not.toMatch(
      /wrong-password|mail-secret/,
    );
    expect(relay.ok ? undefined : relay.error.permanent).toBe(true);
    expect(auth.ok ? undefined : auth.error.permanent).toBe(false);
  });

  it('a 421 is temporary, a 550 permanent; a server that hangs after DATA is given up on in time', async () => {
    const s = await server();
    s.fail([421, 550, 'hang']);
    const m = createMailer(s.url, { ca: s.caPem, timeoutMs: 400 });
    const a = await m.send(mail('ivan@example.ru'));
    const b = await m.send(mail('ivan@example.ru'));
    const t0 = Date.now();
    const c = await m.send(mail('ivan@example.ru'));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(a.ok ? 0 : [a.error.code, a.error.permanent]).toEqual([421, false]);
    expect(b.ok ? 0 : [b.error.code, b.error.permanent]).toEqual([550, true]);
    expect(c.ok ? 'ok' : c.error.kind).toBe('timeout');
    const ac = new AbortController();
    s.fail(['hang']);
    setTimeout(() => ac.abort(), 200);
    const t1 = Date.now();
    const d = await createMailer(s.url, { ca: s.caPem, timeoutMs: 30_000 }).send(
      mail('ivan@example.ru'),
      ac.signal,
    );
    expect(Date.now() - t1).toBeLessThan(5000);
    expect(d.ok ? 'ok' : d.error.kind).toBe('timeout');
  });
});
