/**
 * `smart check --notify console`: the messages on the terminal instead of Telegram. An outbox item holds
 * its channel's rendering; on the terminal it is shown as plain text (`htmlToPlain` of the Telegram HTML is
 * the text renderer's output for the same Notice, `render-text.ts`), with the buttons' addresses.
 */
import type { Outbox, OutboxItem } from '../status/schema.ts';
import { htmlToPlain } from './html.ts';
import type { MailerLike } from './smtp-client.ts';
import type { SendMessageRequest, TelegramLike } from './types.ts';

/** One outbox item as plain text: where it goes, the words, the buttons' addresses. */
export function renderPlain(item: Pick<OutboxItem, 'chat' | 'thread' | 'text' | 'buttons' | 'kind'>): string {
  const to = `[${item.kind} → ${item.chat}${item.thread ? `/${item.thread}` : ''}]`;
  const buttons = item.buttons.map((b) => `  → ${b.text}: ${b.url}`);
  return [to, htmlToPlain(item.text), ...buttons].join('\n');
}

/** Prints items without touching the outbox (a preview of what Telegram would get). */
export function printOutbox(items: OutboxItem[], write: (text: string) => void): void {
  for (const item of items) write(`${renderPlain(item)}\n`);
}

/**
 * The first console message id of a run: after every id the outbox remembers, so a reply printed by a later
 * run («ответ на № 7») names the message printed as № 7, not the 7th message of its own run.
 */
export function nextConsoleMessageId(outbox: Pick<Outbox, 'delivered'> | undefined): number {
  const ids = Object.values(outbox?.delivered ?? {}).map((d) => d.message_id);
  return Math.max(0, ...ids) + 1;
}

/**
 * A TelegramLike that prints instead of sending and always succeeds; with `deliverOutbox` it empties the
 * outbox like a real delivery would. Each message is printed with its id (№ firstId, firstId + 1, …) and a
 * reply with the id it answers.
 */
export function consoleNotifier(write: (text: string) => void, firstId = 1): TelegramLike {
  let next = firstId;
  return {
    sendMessage: async (req: SendMessageRequest) => {
      const text = req.parse_mode === 'HTML' ? htmlToPlain(req.text) : req.text;
      const buttons = (req.reply_markup?.inline_keyboard ?? []).flat().map((b) => `  → ${b.text}: ${b.url}`);
      const id = next++;
      const where = `${req.chat_id}${req.message_thread_id ? `/${req.message_thread_id}` : ''}`;
      const reply = req.reply_parameters ? `, ответ на № ${req.reply_parameters.message_id}` : '';
      write([`[№ ${id} → ${where}${reply}]`, text, ...buttons, ''].join('\n'));
      return { ok: true, result: { message_id: id } };
    },
    getMe: async () => ({ ok: true, result: { id: 0, first_name: 'console', username: 'console' } }),
    getChat: async (chatId: string) => ({ ok: true, result: { id: Number(chatId) || 0, type: 'console' } }),
  };
}

/** A MailerLike that prints the plain-text part instead of sending and always succeeds. */
export function consoleMailer(write: (text: string) => void): MailerLike {
  return {
    label: 'console',
    send: async (mail) => {
      const thread = mail.inReplyTo ? ` (ответ в цепочке ${mail.inReplyTo})` : '';
      write([`[письмо → ${mail.to}${thread}]`, `Тема: ${mail.subject}`, mail.text, ''].join('\n'));
      return { ok: true, response: '250 printed' };
    },
    verify: async () => ({ ok: true }),
  };
}
