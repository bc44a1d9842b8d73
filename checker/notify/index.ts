/** The notifier's public surface: render events into the outbox, deliver it, talk to Telegram. */
export { consoleNotifier, printOutbox, renderPlain } from './console.ts';
export {
  backoffMs,
  type DeliverDeps,
  type DeliverResult,
  deliverOutbox,
  describeFailure,
} from './deliver.ts';
export { escapeHtml, htmlToPlain, TELEGRAM_TEXT_LIMIT } from './html.ts';
export { emptyOutbox, enqueue } from './outbox.ts';
export { outboxId, type RenderContext, renderEvents, teamRoute } from './render.ts';
export { createTelegramClient, DEFAULT_API_ROOT, redact } from './telegram-client.ts';
export type {
  SendMessageRequest,
  TelegramFailure,
  TelegramLike,
  TelegramResult,
  UrlButton,
} from './types.ts';
