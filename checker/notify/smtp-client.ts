/**
 * The real mail client: nodemailer's SMTP transport behind `MailerLike`, one connection per send, every wait
 * bounded (connect, greeting, each reply) and each send abortable, errors normalised into words that never
 * contain the login, the password or the URL (`SMTP_URL` is a secret).
 */
import type { Transporter } from 'nodemailer';

/** One mail as the notifier hands it over. */
export interface MailRequest {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Our own Message-ID (`<…@…>`): stable per outbox item, so a resend is recognisable as the same mail. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  date: Date;
}

/** Why a mail was not accepted, normalised. Never contains a secret. */
export interface MailFailure {
  /** The SMTP reply code (421, 450, 535, 550 …); absent when no reply came. */
  code?: number;
  /**
   * auth: login refused; tls: the server wants encryption or the handshake failed; network: no connection;
   * timeout: no answer in time; rejected: the server refused this mail or recipient; other: anything else.
   */
  kind: 'auth' | 'tls' | 'network' | 'timeout' | 'rejected' | 'other';
  /** The server's reply or the error in words. */
  description: string;
  /** True when sending the same mail again gets the same answer (a 5xx reply, except 503). */
  permanent: boolean;
}

export type MailResult = { ok: true; response: string } | { ok: false; error: MailFailure };

/** What the notifier needs from a mail server; `createMailer` gives the real one. */
export interface MailerLike {
  /** host:port, for log lines (never the login). */
  label: string;
  send(mail: MailRequest, signal?: AbortSignal): Promise<MailResult>;
  /** Connects, says EHLO, upgrades to TLS and logs in, without sending anything. */
  verify(signal?: AbortSignal): Promise<{ ok: true } | { ok: false; error: MailFailure }>;
}

/** Options of the real client. */
export interface MailerOptions {
  /** Bound on each wait: connecting, the greeting, every reply (default 10 s). */
  timeoutMs?: number;
  /** Extra CA certificates to trust (tests: the throwaway CA of the local server). */
  ca?: string;
}

/** The host:port of an SMTP URL, or undefined when it is not one. */
export function smtpLabel(smtpUrl: string): string | undefined {
  try {
    const u = new URL(smtpUrl);
    if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') return undefined;
    return `${u.hostname}:${u.port || (u.protocol === 'smtps:' ? '465' : '587')}`;
  } catch {
    return undefined;
  }
}

/** Every secret part of an SMTP URL (the URL, the login and the password, raw and decoded). */
export function smtpSecrets(smtpUrl: string): string[] {
  const out = [smtpUrl];
  try {
    const u = new URL(smtpUrl);
    for (const part of [u.username, u.password]) if (part) out.push(part, decodeURIComponent(part));
  } catch {}
  return [...new Set(out.filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
}

/** Removes every secret from a text. */
export function redactAll(text: string, secrets: string[]): string {
  return secrets.reduce((t, s) => t.split(s).join('[secret]'), text);
}

interface NodemailerErrorLike {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
  originalCode?: unknown;
  name?: unknown;
}

/** Turns what nodemailer threw into a MailFailure. */
export function toMailFailure(
  err: unknown,
  secrets: string[],
  label: string,
  timeoutMs: number,
): MailFailure {
  const e = (err ?? {}) as NodemailerErrorLike;
  const code = typeof e.responseCode === 'number' && e.responseCode >= 200 ? e.responseCode : undefined;
  const reply = typeof e.response === 'string' ? e.response : '';
  const message = String(e.message ?? err);
  const clean = (t: string) => redactAll(t, secrets).replace(/\s+/g, ' ').trim().slice(0, 300);
  const kind = String(e.code ?? '');
  if (kind === 'EABORT' || e.name === 'AbortError')
    return {
      kind: 'timeout',
      description: `${label}: отправка прервана — кончилось время на доставку`,
      permanent: false,
    };
  if (kind === 'ETIMEDOUT')
    return { kind: 'timeout', description: `${label} не ответил за ${seconds(timeoutMs)}`, permanent: false };
  if (kind === 'ETLS' || code === 530 || code === 538 || /STARTTLS|encryption required/i.test(reply))
    return { ...(code ? { code } : {}), kind: 'tls', description: clean(reply || message), permanent: false };
  if (kind === 'EAUTH' || kind === 'ENOAUTH')
    return {
      ...(code ? { code } : {}),
      kind: 'auth',
      description: clean(reply || message),
      permanent: false,
    };
  if (code !== undefined) {
    // A reply that ends the connection (421) is as temporary as any other 4xx.
    const permanent = code >= 500 && code !== 503;
    return {
      code,
      kind: code >= 400 ? 'rejected' : 'other',
      description: clean(reply || message),
      permanent,
    };
  }
  const os = typeof e.originalCode === 'string' ? e.originalCode : '';
  if (/certificate|self.signed|CERT_|SSL|tls/i.test(message) || /CERT/.test(os))
    return { kind: 'tls', description: clean(`${label}: ${message}`), permanent: false };
  if (kind === 'ECONNECTION' || kind === 'ESOCKET' || kind === 'EDNS' || kind === 'ECONNREFUSED')
    return {
      kind: 'network',
      description: clean(`${label}: ${os && !message.includes(os) ? `${os} ` : ''}${message}`),
      permanent: false,
    };
  return { kind: 'other', description: clean(`${label}: ${message}`), permanent: false };
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} мс` : `${Math.round(ms / 1000)} с`;
}

/**
 * A MailerLike over nodemailer for `smtpUrl` (smtp://user:pass@host:587 with STARTTLS when offered, or
 * smtps://…:465). A new connection per send keeps a stuck connection from holding later mails.
 */
export function createMailer(smtpUrl: string, opts: MailerOptions = {}): MailerLike {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const label = smtpLabel(smtpUrl) ?? 'SMTP';
  const secrets = smtpSecrets(smtpUrl);
  // nodemailer is loaded on the first send or verify: a run that mails nothing never loads it.
  let made: Promise<Transporter> | undefined;
  const transporter = () =>
    (made ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url: smtpUrl,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
        dnsTimeout: timeoutMs,
        socketCloseTimeout: 0,
        ...(opts.ca ? { tls: { ca: [opts.ca] } } : {}),
      }),
    ));
  return {
    label,
    async send(mail, signal) {
      try {
        const transport = await transporter();
        const info = await transport.sendMail({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          messageId: mail.messageId,
          date: mail.date,
          ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
          ...(mail.references?.length ? { references: mail.references } : {}),
          ...(signal ? { signal } : {}),
        });
        const rejected = (info.rejected ?? []).map(String);
        if (rejected.length > 0)
          return {
            ok: false,
            error: {
              code: 550,
              kind: 'rejected',
              description: `получатель отклонён: ${rejected.join(', ')}`,
              permanent: true,
            },
          };
        return { ok: true, response: redactAll(String(info.response ?? ''), secrets) };
      } catch (err) {
        return { ok: false, error: toMailFailure(err, secrets, label, timeoutMs) };
      }
    },
    async verify(signal) {
      try {
        const check = (await transporter()).verify();
        if (signal) {
          await Promise.race([
            check,
            new Promise((_, reject) =>
              signal.addEventListener(
                'abort',
                () => reject(Object.assign(new Error('aborted'), { code: 'EABORT' })),
                {
                  once: true,
                },
              ),
            ),
          ]);
        } else await check;
        return { ok: true };
      } catch (err) {
        return { ok: false, error: toMailFailure(err, secrets, label, timeoutMs) };
      }
    },
  };
}

/** The failure in plain Russian words, with what to do (for the log, last_error and `smart notify-test`). */
export function describeMailFailure(e: MailFailure): string {
  const d = e.description;
  if (e.kind === 'auth')
    return `почтовый сервер не принял логин и пароль из SMTP_URL${e.code ? ` (${e.code})` : ''}: проверьте их; ответ сервера: ${d}`;
  if (e.kind === 'tls')
    return `почтовый сервер требует шифрования или не прошёл проверку TLS: используйте порт 587 со STARTTLS или smtps:// на 465; ${d}`;
  if (e.kind === 'network') return `нет связи с почтовым сервером: ${d}`;
  if (e.kind === 'timeout') return `почтовый сервер не отвечает: ${d}`;
  if (e.kind === 'rejected' && /relay/i.test(d))
    return `сервер отказался пересылать письмо на этот адрес (relay denied, ${e.code ?? '5xx'}): отправляйте через свой почтовый сервер с логином или разрешите отправителя; ${d}`;
  if (e.kind === 'rejected' && e.permanent)
    return `сервер отклонил письмо навсегда (${e.code}): проверьте адрес получателя; ${d}`;
  if (e.kind === 'rejected') return `сервер просит повторить позже (${e.code}): ${d}`;
  return `письмо не отправлено: ${d}`;
}
