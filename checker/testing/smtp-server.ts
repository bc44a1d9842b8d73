/**
 * A real SMTP server on 127.0.0.1 for tests and the demo: the `smtp-server` package (Nodemailer's own
 * server implementation) speaking EHLO, STARTTLS with a throwaway CA, AUTH PLAIN/LOGIN (refused before
 * STARTTLS, as real submission servers do) and relaying only for its own domains. Every accepted message is
 * parsed with `mailparser`. `fail()` queues forced answers for the next messages: a 421 or 450 (try later),
 * a 550 (permanent), or a hang (the server stops answering in the middle of the dialogue).
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { createTestCa } from './test-ca.ts';

/** One accepted message as a mail client shows it. */
export interface ReceivedMail {
  /** Envelope sender and recipients. */
  envelopeFrom: string;
  envelopeTo: string[];
  from: string;
  to: string[];
  subject: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  html: string;
  text: string;
  headers: Map<string, unknown>;
  raw: string;
}

/** A forced answer for the next message: a reply code at RCPT TO, or a hang at DATA. */
export type SmtpFault = 421 | 450 | 550 | 554 | 'hang';

export interface SmtpServerOptions {
  /** Accepted logins (default { smart: 'mail-secret' }). */
  users?: Record<string, string>;
  /** Domains it delivers to; other recipients get 550 5.7.1 relay denied (default: example.ru, example.com). */
  domains?: string[];
  /** Recipients that do not exist: 550 5.1.1. */
  unknown?: string[];
  /** Offer STARTTLS (default true). */
  tls?: boolean;
  /** Refuse AUTH on an unencrypted connection with 538 (default true, as submission servers do). */
  requireTls?: boolean;
  /** Called for every accepted message (the demo prints them). */
  onMail?: (m: ReceivedMail) => void;
  /** Never greet: the server accepts TCP and stays silent. */
  silent?: boolean;
}

export interface SmtpTestServer {
  host: string;
  port: number;
  /** The CA that signed the server's certificate (trust it in the client). */
  caPem: string;
  /** `smtp://user:pass@127.0.0.1:port` with the first configured user. */
  url: string;
  mails: ReceivedMail[];
  /** Every AUTH attempt (username, accepted). */
  logins: { user: string; ok: boolean; tls: boolean }[];
  fail(next: SmtpFault[]): void;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function toList(v: ParsedMail['to']): string[] {
  const list = Array.isArray(v) ? v : v ? [v] : [];
  return list.flatMap((a) => a.value.map((x) => x.address ?? ''));
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startSmtpServer(opts: SmtpServerOptions = {}): Promise<SmtpTestServer> {
  const users = opts.users ?? { smart: 'mail-secret' };
  const domains = opts.domains ?? ['example.ru', 'example.com'];
  const unknown = new Set((opts.unknown ?? []).map((a) => a.toLowerCase()));
  const ca = createTestCa('SMART test mail CA');
  const leaf = ca.issue({ hosts: ['127.0.0.1', 'localhost'] });
  const mails: ReceivedMail[] = [];
  const logins: SmtpTestServer['logins'] = [];
  const faults: SmtpFault[] = [];
  const hanging = new Set<() => void>();

  const server = new SMTPServer({
    logger: false,
    name: 'mail.example.ru',
    banner: 'SMART test SMTP',
    ...(opts.tls === false ? { hideSTARTTLS: true } : { key: leaf.key, cert: leaf.cert }),
    authMethods: ['PLAIN', 'LOGIN'],
    // AUTH always reaches onAuth, which refuses it without TLS (538) unless requireTls is false.
    allowInsecureAuth: true,
    size: 5 * 1024 * 1024,
    socketTimeout: 60_000,
    onConnect(_session: SMTPServerSession, cb: (err?: Error | null) => void) {
      if (opts.silent) {
        hanging.add(() => cb(smtpError(421, 'closing')));
        return;
      }
      cb();
    },
    onAuth(auth, session, cb) {
      if (opts.requireTls !== false && !session.secure)
        return cb(smtpError(538, '5.7.11 Encryption required for requested authentication mechanism'));
      const ok = auth.username !== undefined && users[auth.username] === auth.password;
      logins.push({ user: auth.username ?? '', ok, tls: Boolean(session.secure) });
      if (!ok) return cb(smtpError(535, '5.7.8 Authentication credentials invalid'));
      cb(null, { user: auth.username });
    },
    onMailFrom(_address: SMTPServerAddress, session: SMTPServerSession, cb: (err?: Error | null) => void) {
      if (!session.user) return cb(smtpError(530, '5.7.0 Authentication required'));
      cb();
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) {
      const fault = faults[0];
      if (fault !== undefined && fault !== 'hang') {
        faults.shift();
        const text =
          fault === 421
            ? '4.3.2 Service not available, closing transmission channel'
            : fault === 450
              ? '4.2.1 Mailbox busy, try again later'
              : fault === 554
                ? '5.7.1 Message rejected as spam'
                : '5.1.1 Mailbox unavailable';
        return cb(smtpError(fault, text));
      }
      const addr = address.address.toLowerCase();
      const domain = addr.split('@')[1] ?? '';
      if (!domains.includes(domain)) return cb(smtpError(550, '5.7.1 Relaying denied'));
      if (unknown.has(addr)) return cb(smtpError(550, '5.1.1 No such user here'));
      cb();
    },
    onData(stream, session, cb) {
      if (faults[0] === 'hang') {
        faults.shift();
        stream.resume();
        // Read the message and never answer: the client must give up on its own.
        hanging.add(() => cb(smtpError(421, 'closing')));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = await simpleParser(raw);
        const refs = parsed.references;
        const mail: ReceivedMail = {
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          from: parsed.from?.value.map((a) => a.address).join(', ') ?? '',
          to: toList(parsed.to),
          subject: parsed.subject ?? '',
          messageId: parsed.messageId ?? '',
          ...(parsed.inReplyTo ? { inReplyTo: parsed.inReplyTo } : {}),
          references: Array.isArray(refs) ? refs : refs ? [refs] : [],
          html: typeof parsed.html === 'string' ? parsed.html : '',
          text: parsed.text ?? '',
          headers: parsed.headers,
          raw,
        };
        mails.push(mail);
        opts.onMail?.(mail);
        cb();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const [user, pass] = Object.entries(users)[0] ?? ['', ''];
  return {
    host: '127.0.0.1',
    port,
    caPem: ca.caPem,
    url: `smtp://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`,
    mails,
    logins,
    fail: (next) => faults.push(...next),
    close: async () => {
      for (const release of hanging) release();
      hanging.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
