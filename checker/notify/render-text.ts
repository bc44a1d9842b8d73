/**
 * The plain-text channel: a Notice → the message as a person reads it, with its links written out. It is
 * what the console prints and (with no length limit) the text part of an e-mail. The words and their order
 * are the Telegram message's, so every channel says the same thing: the text is the Telegram layout without
 * its markup, never a second wording to keep in step.
 */
import type { Notice } from './facts.ts';
import { htmlToPlain } from './html.ts';
import { telegramButtons, telegramText } from './render-telegram.ts';

/** The message in plain text, then one line per link («Что делать: https://…»). */
export function plainText(n: Notice, limit?: number): string {
  const links = telegramButtons(n).map((b) => `${b.text}: ${b.url}`);
  const body = htmlToPlain(telegramText(n, limit));
  return links.length > 0 ? `${body}\n\n${links.join('\n')}` : body;
}
