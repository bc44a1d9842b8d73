/**
 * `npm run bench:notify`: the time one run spends delivering when Telegram and the mail server both hang.
 * 30 Telegram messages in 10 chats and 30 mails to 10 mailboxes are queued; the Bot API stand-in accepts
 * every request and never answers, the SMTP server (smtp-server) reads every message and never answers.
 * The clients keep their production timeouts (10 s per call); the run's delivery budget is the default
 * 20 s. Then the same outbox against working servers, to show the concurrent lanes' cost.
 */
import { deliverOutbox } from '../checker/notify/deliver.ts';
import { emptyOutbox } from '../checker/notify/outbox.ts';
import { createMailer } from '../checker/notify/smtp-client.ts';
import { createTelegramClient } from '../checker/notify/telegram-client.ts';
import type { MailItem, Outbox, OutboxItem } from '../checker/status/schema.ts';
import { startSmtpServer } from '../checker/testing/smtp-server.ts';
import { startTelegramStandIn } from '../checker/testing/telegram-stand-in.ts';

const now = new Date();
function outbox(): Outbox {
  const pending: OutboxItem[] = [];
  const mail: MailItem[] = [];
  for (let k = 0; k < 30; k++) {
    pending.push({
      id: `t${k}`,
      kind: 'firing',
      created_at: now.toISOString(),
      attempts: 0,
      chat: `-100${k % 10}`,
      text: `<b>Сообщение ${k}</b>`,
      buttons: [],
    });
    mail.push({
      id: `m${k}`,
      kind: 'firing',
      created_at: now.toISOString(),
      attempts: 0,
      to: `manager${k % 10}@example.ru`,
      subject: `Письмо ${k}`,
      html: '<p>Письмо</p>',
      text: 'Письмо',
      message_id: `<m${k}@bench.example.ru>`,
    });
  }
  return { ...emptyOutbox(), pending, mail };
}

async function measure(hang: boolean): Promise<void> {
  const tg = await startTelegramStandIn();
  const smtp = await startSmtpServer();
  if (hang) {
    tg.fail(Array.from({ length: 100 }, () => ({ status: 'hang' as const })));
    smtp.fail(Array.from({ length: 100 }, () => 'hang' as const));
  }
  const started = performance.now();
  const r = await deliverOutbox(outbox(), {
    telegram: createTelegramClient(tg.token, tg.apiRoot),
    mailer: createMailer(smtp.url, { ca: smtp.caPem }),
    from: 'SMART <alert@bench.example.ru>',
    now,
  });
  const seconds = (performance.now() - started) / 1000;
  const left = r.outbox.pending.length + (r.outbox.mail?.length ?? 0);
  console.log(
    `${hang ? 'Telegram and SMTP hanging' : 'both working'}: delivery took ${seconds.toFixed(1)} s; sent ${r.sent}, still queued ${left} of 60${r.outOfTime ? ' (budget ran out)' : ''}`,
  );
  await tg.close();
  await smtp.close();
}

await measure(true);
await measure(false);
console.log(
  'Before (serial, 15 s per Telegram call, up to 30 a run): up to 30 × 15 s = 450 s, mails not sent at all.',
);
process.exit(0);
