/**
 * Public types of the notifier: the Telegram client seam (real telegraf client, the local stand-in, the
 * console) and what a delivery run reports.
 */

/** An inline URL button under a message. */
export interface UrlButton {
  text: string;
  url: string;
}

/** The sendMessage request the notifier makes (a subset of the Bot API's). */
export interface SendMessageRequest {
  chat_id: string;
  text: string;
  /** Absent when a message is sent as plain text (fallback after "can't parse entities"). */
  parse_mode?: 'HTML';
  message_thread_id?: number;
  reply_parameters?: { message_id: number; allow_sending_without_reply: true };
  reply_markup?: { inline_keyboard: UrlButton[][] };
  link_preview_options?: { is_disabled: true };
  /** Sent without sound (outside working hours). */
  disable_notification?: true;
}

/** Why a Bot API call did not succeed, normalised from telegraf's errors. Never contains the token. */
export interface TelegramFailure {
  /** The Bot API's error_code or the HTTP status (401, 400, 403, 429, 5xx); absent for network errors. */
  code?: number;
  /** The Bot API's description, e.g. "Bad Request: chat not found", or the network error in words. */
  description: string;
  /** Seconds to wait, from a 429's parameters.retry_after. */
  retry_after?: number;
  /** True when no HTTP answer came at all (refused, reset, DNS, timeout). */
  network: boolean;
}

/** The outcome of one Bot API call. */
export type TelegramResult<T> = { ok: true; result: T } | { ok: false; error: TelegramFailure };

/** What the notifier needs from Telegram; `createTelegramClient` gives the real one. */
export interface TelegramLike {
  /** `signal` aborts the call (the run's delivery budget). */
  sendMessage(req: SendMessageRequest, signal?: AbortSignal): Promise<TelegramResult<{ message_id: number }>>;
  getMe(): Promise<TelegramResult<{ id: number; username?: string; first_name: string }>>;
  getChat(chatId: string): Promise<TelegramResult<{ id: number; type: string; title?: string }>>;
}
