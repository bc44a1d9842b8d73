/**
 * The notifier's public surface. One event goes one way: `planEvents` (which messages, to whom) →
 * `facts.ts` (one Notice per reader: who, what, cause, workaround, links, times) → one renderer per channel
 * (`render-telegram.ts`, `render-text.ts`) → the outbox → `deliverOutbox`.
 */
export { consoleNotifier, printOutbox, renderPlain } from './console.ts';
export {
  backoffMs,
  type DeliverDeps,
  type DeliverResult,
  deliverOutbox,
  describeFailure,
} from './deliver.ts';
export type { Audience, InstallationFacts, Notice } from './facts.ts';
export { escapeHtml, htmlToPlain, TELEGRAM_TEXT_LIMIT } from './html.ts';
export { emptyOutbox, enqueue } from './outbox.ts';
export { outboxId, type Planned, planEvents, type RenderContext, renderEvents, teamRoute } from './render.ts';
export { telegramButtons, telegramText } from './render-telegram.ts';
export { plainText } from './render-text.ts';
export { createTelegramClient, DEFAULT_API_ROOT, redact } from './telegram-client.ts';
export type {
  SendMessageRequest,
  TelegramFailure,
  TelegramLike,
  TelegramResult,
  UrlButton,
} from './types.ts';
