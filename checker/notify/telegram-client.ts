/**
 * The real Telegram client: telegraf's `Telegram` (no polling bot) behind `TelegramLike`, with a short
 * per-call timeout (telegraf's own is 500 s) and errors normalised into words that never contain the token.
 */
import type { Telegram } from 'telegraf';
import type { SendMessageRequest, TelegramFailure, TelegramLike, TelegramResult } from './types.ts';

/** Default Bot API address (override with TELEGRAM_API_ROOT). */
export const DEFAULT_API_ROOT = 'https://api.telegram.org';

/** Removes every trace of the token from a text (telegraf redacts only tokens shaped like 123:abc). */
export function redact(text: string, token: string): string {
  if (!token) return text;
  let out = text.split(token).join('[token]');
  const enc = encodeURIComponent(token);
  if (enc !== token) out = out.split(enc).join('[token]');
  return out;
}

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  type?: unknown;
  name?: unknown;
  response?: { error_code?: unknown; description?: unknown; parameters?: { retry_after?: unknown } };
}

/** Turns whatever telegraf or node-fetch threw into a TelegramFailure. */
export function toFailure(err: unknown, token: string, apiRoot: string, timeoutMs: number): TelegramFailure {
  const e = (err ?? {}) as ErrorLike;
  const r = e.response;
  if (r && typeof r.error_code === 'number') {
    const retry = r.parameters?.retry_after;
    return {
      code: r.error_code,
      description: redact(String(r.description ?? ''), token),
      ...(typeof retry === 'number' ? { retry_after: retry } : {}),
      network: false,
    };
  }
  let host = apiRoot;
  try {
    host = new URL(apiRoot).host;
  } catch {}
  if (e.name === 'AbortError' || e.type === 'aborted' || e.name === 'TimeoutError')
    return {
      description: `${host} не ответил за ${timeoutMs < 1000 ? `${timeoutMs} мс` : `${Math.round(timeoutMs / 1000)} с`}`,
      network: true,
    };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reason = String(e.message ?? err).replace(/^request to \S+ failed, reason: /, '');
  return {
    description: redact(`${host}: ${code && !reason.includes(code) ? `${code} ` : ''}${reason}`, token),
    network: true,
  };
}

/** A TelegramLike over telegraf; `timeoutMs` bounds every call (default 10 s), the caller's signal the run. */
export function createTelegramClient(
  token: string,
  apiRoot = DEFAULT_API_ROOT,
  timeoutMs = 10_000,
): TelegramLike {
  // telegraf (and node-fetch under it) is loaded on the first call: a run that sends nothing never loads it.
  let client: Promise<Telegram> | undefined;
  const telegram = () =>
    (client ??= import('telegraf').then(({ Telegram: Api }) => new Api(token, { apiRoot })));
  const call = async <T>(
    method: string,
    payload: Record<string, unknown>,
    outer?: AbortSignal,
  ): Promise<TelegramResult<T>> => {
    try {
      const tg = await telegram();
      // callApi takes an AbortSignal; node-fetch aborts the request when it fires.
      const call = tg.callApi.bind(tg) as unknown as (
        m: string,
        p: Record<string, unknown>,
        o: { signal: AbortSignal },
      ) => Promise<T>;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = outer ? AbortSignal.any([timeout, outer]) : timeout;
      return { ok: true, result: await call(method, payload, { signal }) };
    } catch (err) {
      if (outer?.aborted)
        return {
          ok: false,
          error: { description: 'отправка прервана: кончилось время на доставку', network: true },
        };
      return { ok: false, error: toFailure(err, token, apiRoot, timeoutMs) };
    }
  };
  return {
    sendMessage: (req: SendMessageRequest, signal?: AbortSignal) => call('sendMessage', { ...req }, signal),
    getMe: () => call('getMe', {}),
    getChat: (chatId: string) => call('getChat', { chat_id: chatId }),
  };
}
