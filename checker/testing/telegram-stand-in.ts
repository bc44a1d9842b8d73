/**
 * A local stand-in for the Telegram Bot API (tests and the demo): HTTP on 127.0.0.1, port 0, speaking
 * POST /bot<token>/<method> with JSON, urlencoded or multipart bodies and answering with the real shapes
 * ({ ok, result } / { ok: false, error_code, description, parameters }). It validates like the real API:
 * unknown token → 401, HTML it cannot parse → 400 "can't parse entities", text over 4096 characters →
 * 400 "message is too long", unknown chat → 400 "chat not found", a kicked bot → 403. `fail()` queues
 * forced answers for the next sendMessage calls (429 with retry_after, 500, a reset connection, a hang).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message the stand-in accepted. */
export interface SentMessage {
  chat_id: string;
  message_id: number;
  /** The text as sent (HTML when parse_mode is HTML). */
  text: string;
  /** What a person sees: tags removed, entities decoded. */
  plain: string;
  parse_mode?: string;
  message_thread_id?: number;
  /** message_id this one replies to, when the reply target existed. */
  reply_to_message_id?: number;
  buttons: { text: string; url: string }[];
}

/** A forced answer: an HTTP status (429 with retry_after, 5xx, 400/403 with a description) or a network fault. */
export interface ForcedFailure {
  status: number | 'reset' | 'hang';
  retry_after?: number;
  description?: string;
}

export interface StandInOptions {
  /** The bot token it accepts (default 123456:TEST-token). */
  token?: string;
  /** Called for every accepted message (the demo prints them). */
  onMessage?: (m: SentMessage) => void;
  /** Chats that exist; default: any numeric id or @name. */
  chats?: string[];
  /** Chats the bot was kicked from (403). */
  kicked?: string[];
  /** Forum topics that exist, by chat; a chat listed here rejects other message_thread_id values. */
  threads?: Record<string, number[]>;
}

export interface TelegramStandIn {
  apiRoot: string;
  token: string;
  messages: SentMessage[];
  /** Every request received (method and parsed body), for assertions. */
  requests: { method: string; body: Record<string, unknown> }[];
  fail(next: ForcedFailure[]): void;
  close(): Promise<void>;
}

const TEXT_LIMIT = 4096;

/** Starts the stand-in on 127.0.0.1 with a free port. */
export async function startTelegramStandIn(opts: StandInOptions = {}): Promise<TelegramStandIn> {
  const token = opts.token ?? '123456:TEST-token';
  const messages: SentMessage[] = [];
  const requests: TelegramStandIn['requests'] = [];
  const forced: ForcedFailure[] = [];
  const nextId = new Map<string, number>();
  const hanging = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (decodeURIComponent(m[1]!) !== token)
      return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2]!;
    let body: Record<string, unknown>;
    try {
      body = { ...Object.fromEntries(url.searchParams), ...(await readBody(req)) };
    } catch {
      return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid request body' });
    }
    requests.push({ method, body });
    if (method === 'getMe')
      return ok(res, {
        id: 123456,
        is_bot: true,
        first_name: 'SMART stand-in',
        username: 'smart_standin_bot',
      });
    if (method === 'getChat') {
      const chat = String(body.chat_id ?? '');
      const problem = chatProblem(chat);
      if (problem) return send(res, problem.status, problem.body);
      return ok(res, { id: Number(chat) || 1, type: 'supergroup', title: `Чат ${chat}` });
    }
    if (method !== 'sendMessage')
      return send(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });

    const f = forced.shift();
    if (f) {
      if (f.status === 'reset') return req.socket.destroy();
      if (f.status === 'hang') {
        hanging.add(res);
        return;
      }
      if (f.status === 429) {
        const retry = f.retry_after ?? 5;
        return send(res, 429, {
          ok: false,
          error_code: 429,
          description: f.description ?? `Too Many Requests: retry after ${retry}`,
          parameters: { retry_after: retry },
        });
      }
      return send(res, f.status, {
        ok: false,
        error_code: f.status,
        description: f.description ?? (f.status >= 500 ? 'Internal Server Error' : 'Bad Request'),
      });
    }
    return sendMessage(res, body);
  };

  const chatProblem = (chat: string): { status: number; body: unknown } | undefined => {
    const known = opts.chats ? opts.chats.includes(chat) : /^(-?\d+|@[A-Za-z0-9_]{5,32})$/.test(chat);
    if (!known)
      return {
        status: 400,
        body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
      };
    if (opts.kicked?.includes(chat))
      return {
        status: 403,
        body: {
          ok: false,
          error_code: 403,
          description: 'Forbidden: bot was kicked from the supergroup chat',
        },
      };
    return undefined;
  };

  const sendMessage = (res: ServerResponse, body: Record<string, unknown>) => {
    const bad = (description: string) => send(res, 400, { ok: false, error_code: 400, description });
    const chat = String(body.chat_id ?? '');
    if (!chat) return bad('Bad Request: chat_id is empty');
    const problem = chatProblem(chat);
    if (problem) return send(res, problem.status, problem.body);
    const thread = body.message_thread_id === undefined ? undefined : Number(body.message_thread_id);
    const topics = opts.threads?.[chat];
    if (thread !== undefined && topics && !topics.includes(thread))
      return bad('Bad Request: message thread not found');
    const text = typeof body.text === 'string' ? body.text : '';
    const parseMode = typeof body.parse_mode === 'string' ? body.parse_mode : undefined;
    let plain = text;
    if (parseMode?.toUpperCase() === 'HTML') {
      const parsed = parseTelegramHtml(text);
      if (!parsed.ok) return bad(`Bad Request: can't parse entities: ${parsed.error}`);
      plain = parsed.plain;
    } else if (parseMode) return bad(`Bad Request: unsupported parse_mode`);
    if (plain.trim() === '') return bad('Bad Request: message text is empty');
    if (plain.length > TEXT_LIMIT) return bad('Bad Request: message is too long');

    const markup = json(body.reply_markup) as
      | { inline_keyboard?: { text?: unknown; url?: unknown }[][] }
      | undefined;
    const buttons: SentMessage['buttons'] = [];
    for (const row of markup?.inline_keyboard ?? [])
      for (const b of row) {
        if (typeof b.text !== 'string' || !b.text)
          return bad('Bad Request: text buttons are unallowed in the inline keyboard');
        if (typeof b.url !== 'string' || !/^(https?|tg):\/\/\S+$/.test(b.url))
          return bad('Bad Request: BUTTON_URL_INVALID');
        buttons.push({ text: b.text, url: b.url });
      }

    const reply = json(body.reply_parameters) as
      | { message_id?: unknown; allow_sending_without_reply?: unknown }
      | undefined;
    const replyId = Number(reply?.message_id ?? body.reply_to_message_id ?? Number.NaN);
    let replyTo: number | undefined;
    if (Number.isFinite(replyId)) {
      if (messages.some((x) => x.chat_id === chat && x.message_id === replyId)) replyTo = replyId;
      else if (
        !(reply?.allow_sending_without_reply === true || reply?.allow_sending_without_reply === 'true')
      )
        return bad('Bad Request: message to be replied not found');
    }
    const id = (nextId.get(chat) ?? 0) + 1;
    nextId.set(chat, id);
    const msg: SentMessage = {
      chat_id: chat,
      message_id: id,
      text,
      plain,
      ...(parseMode ? { parse_mode: parseMode } : {}),
      ...(thread !== undefined ? { message_thread_id: thread } : {}),
      ...(replyTo !== undefined ? { reply_to_message_id: replyTo } : {}),
      buttons,
    };
    messages.push(msg);
    opts.onMessage?.(msg);
    return ok(res, {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(chat) || 1, type: 'supergroup' },
      text: plain,
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() =>
      send(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    messages,
    requests,
    fail: (next) => forced.push(...next),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function ok(res: ServerResponse, result: unknown): void {
  send(res, 200, { ok: true, result });
}

/** Form fields carry nested objects as JSON strings, like the real API accepts them. */
function json(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const buf = Buffer.concat(chunks);
  if (buf.length === 0) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
  const form = await new Response(buf, { headers: { 'content-type': type } }).formData();
  const out: Record<string, unknown> = {};
  for (const [k, v] of form) out[k] = typeof v === 'string' ? v : '';
  return out;
}

// Telegram's HTML parse mode ----------------------------------------------------------------------

const SUPPORTED = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'a',
  'code',
  'pre',
  'blockquote',
  'span',
  'tg-spoiler',
  'tg-emoji',
]);

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), 'utf8');
}

/** Parses Telegram HTML; `error` is the description after "Bad Request: can't parse entities: ". */
export function parseTelegramHtml(html: string): { ok: true; plain: string } | { ok: false; error: string } {
  const stack: string[] = [];
  let plain = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '&') {
      const m = /^&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]+);/.exec(html.slice(i, i + 12));
      if (m) {
        const name = m[1]!;
        const cp = name.startsWith('#x')
          ? Number.parseInt(name.slice(2), 16)
          : name.startsWith('#')
            ? Number.parseInt(name.slice(1), 10)
            : undefined;
        if (cp !== undefined && cp > 0 && cp <= 0x10ffff) plain += String.fromCodePoint(cp);
        else if (cp === undefined && NAMED[name.toLowerCase()] !== undefined)
          plain += NAMED[name.toLowerCase()];
        else plain += m[0]; // Telegram keeps entities it does not know as text
        i += m[0].length;
        continue;
      }
      plain += ch;
      i++;
      continue;
    }
    if (ch !== '<') {
      plain += ch;
      i++;
      continue;
    }
    const at = byteOffset(html, i);
    const end = html.indexOf('>', i);
    if (end < 0) return { ok: false, error: `Unclosed start tag at byte offset ${at}` };
    const inner = html.slice(i + 1, end);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      if (stack.length === 0) return { ok: false, error: `Unexpected end tag at byte offset ${at}` };
      const top = stack.pop()!;
      if (name !== top)
        return {
          ok: false,
          error: `Unmatched end tag at byte offset ${at}, expected "</${top}>", found "</${name}>"`,
        };
    } else {
      const m =
        /^([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*$/.exec(
          inner,
        );
      if (!m) {
        const name = /^[^\s>]*/.exec(inner)?.[0] ?? '';
        return { ok: false, error: `Unsupported start tag "${name}" at byte offset ${at}` };
      }
      const name = m[1]!.toLowerCase();
      if (!SUPPORTED.has(name))
        return { ok: false, error: `Unsupported start tag "${name}" at byte offset ${at}` };
      if (name === 'span' && !/class\s*=\s*["']?tg-spoiler/.test(m[2] ?? ''))
        return { ok: false, error: `Tag "span" must have class "tg-spoiler" at byte offset ${at}` };
      stack.push(name);
    }
    i = end + 1;
  }
  if (stack.length > 0)
    return { ok: false, error: `Can't find end tag corresponding to start tag "${stack.at(-1)}"` };
  return { ok: true, plain };
}
