import type { z } from 'zod';
import { scrub, secrets } from '../secrets/scrub.ts';
import { GithubNotJsonError, GithubTimeoutError } from './github-client.ts';

/** A GitHub store failure explained in plain words; never contains the token. */
export class GithubStoreError extends Error {
  /** HTTP status GitHub answered, when there was an answer. */
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'GithubStoreError';
    this.status = status;
  }
}

/** The HTTP status of an Octokit RequestError, or undefined for network and other errors. */
export function httpStatus(e: unknown): number | undefined {
  if (e && typeof e === 'object' && 'status' in e && typeof e.status === 'number') return e.status;
  return undefined;
}

function headerOf(e: unknown, name: string): string | undefined {
  if (!e || typeof e !== 'object' || !('response' in e)) return undefined;
  const r = e.response;
  if (!r || typeof r !== 'object' || !('headers' in r) || !r.headers || typeof r.headers !== 'object')
    return undefined;
  const v = (r.headers as Record<string, unknown>)[name];
  return v === undefined ? undefined : String(v);
}

/** GitHub's own message of a failed request ("Bad credentials", "Not Found", …): scrubbed first, then cut. */
function apiMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  return scrub(raw)
    .replace(/\s+-\s+https:\/\/docs\.github\.com\S*$/, '')
    .slice(0, 300);
}

/** The answer GitHub (or whatever answered at GITHUB_API_URL) gave, when there was one. */
function responseOf(e: unknown): { data: unknown; headers: Record<string, unknown> } | undefined {
  if (!e || typeof e !== 'object' || !('response' in e)) return undefined;
  const r = e.response as { data?: unknown; headers?: Record<string, unknown> } | undefined;
  return r && typeof r === 'object' ? { data: r.data, headers: r.headers ?? {} } : undefined;
}

/** Walks an error and its causes (fetch wraps the socket error twice). */
function* causes(e: unknown): Generator<unknown> {
  for (let c = e, depth = 0; c && depth < 5; depth++) {
    yield c;
    c = typeof c === 'object' && 'cause' in c ? (c as { cause?: unknown }).cause : undefined;
  }
}

const NET_WORDS: Record<string, string> = {
  ECONNREFUSED: 'соединение отклонено',
  ECONNRESET: 'соединение оборвано',
  ENOTFOUND: 'имя сервера не найдено',
  EAI_AGAIN: 'DNS не ответил',
  ETIMEDOUT: 'соединение не установилось вовремя',
  EHOSTUNREACH: 'нет маршрута до сервера',
  ENETUNREACH: 'нет сети',
  UND_ERR_SOCKET: 'соединение оборвано',
  UND_ERR_CONNECT_TIMEOUT: 'соединение не установилось вовремя',
};

/** A network failure (no HTTP answer) in words, e.g. «соединение отклонено (ECONNREFUSED)». */
function networkWords(e: unknown): string {
  for (const c of causes(e)) {
    const code = c && typeof c === 'object' && 'code' in c ? String((c as { code: unknown }).code) : '';
    if (NET_WORDS[code]) return `${NET_WORDS[code]} (${code})`;
    if (/CERT|SSL|TLS/.test(code)) return `ошибка TLS (${code})`;
  }
  return apiMessage(e);
}

/**
 * Turns an Octokit error into a GithubStoreError that says what to do. `doing` names the operation
 * ("чтение ветки status"), `repository` is owner/name. Every secret of the process is scrubbed (a proxy may
 * echo the Authorization header), before anything is cut.
 */
export function explainGithubError(
  e: unknown,
  ctx: { doing: string; repository: string; token?: string },
): Error {
  if (e instanceof GithubStoreError) return e;
  secrets.add(ctx.token);
  const response = responseOf(e);
  // A failure without an answer gets status 500 from @octokit/request: it is not GitHub saying 500.
  const status = response ? httpStatus(e) : undefined;
  const contentType = String(response?.headers['content-type'] ?? '');
  let text: string;
  if (e instanceof GithubTimeoutError) {
    text =
      `GitHub API не ответил за ${e.timeoutMs < 1000 ? `${e.timeoutMs} мс` : `${Math.round(e.timeoutMs / 1000)} с`} (${ctx.doing}): запуск прерван, ` +
      'ничего не записано; проверьте доступ к GITHUB_API_URL, следующий запуск повторит.';
  } else if (e instanceof GithubNotJsonError) {
    text =
      `По адресу GitHub API ответили не JSON (${e.status}, ${e.contentType || 'без типа'}; ${ctx.doing}): ` +
      'это не API GitHub — проверьте GITHUB_API_URL и прокси.';
  } else if (!response) {
    text = `GitHub API недоступен (${ctx.doing}): ${networkWords(e)}.`;
  } else if (typeof response.data !== 'object' || response.data === null) {
    text =
      `GitHub ответил ${status} не в формате JSON (${contentType || 'без типа'}; ${ctx.doing}): ` +
      'похоже на страницу прокси или не тот GITHUB_API_URL.';
  } else if (status === 401) {
    text = `GitHub отклонил токен (401 ${apiMessage(e)}): проверьте GITHUB_TOKEN — он пуст, отозван или истёк.`;
  } else if (status === 403 || status === 429) {
    const msg = apiMessage(e);
    const remaining = headerOf(e, 'x-ratelimit-remaining');
    const reset = Number(headerOf(e, 'x-ratelimit-reset'));
    if (remaining === '0' && reset > 0) {
      text = `Лимит запросов к GitHub исчерпан до ${new Date(reset * 1000).toISOString()} (${ctx.doing}).`;
    } else if (status === 429 || /rate limit/i.test(msg)) {
      text = `GitHub ограничил частоту запросов (${status}, ${ctx.doing}): повторите позже.`;
    } else {
      text =
        `Нет прав на запись в ${ctx.repository} (403 ${msg}): токену нужно разрешение contents: write ` +
        `(в GitHub Actions — permissions: contents: write).`;
    }
  } else if (status === 404) {
    text = `Не найдено (${ctx.doing}) в ${ctx.repository} (404): проверьте GITHUB_REPOSITORY и доступ токена.`;
  } else if (status === 409 && /empty/i.test(apiMessage(e))) {
    text = `Репозиторий ${ctx.repository} пуст (409): сделайте в нём первый коммит, затем повторите.`;
  } else {
    text = `GitHub ответил ${status} (${ctx.doing}, ${ctx.repository}): ${apiMessage(e)}`;
  }
  return new GithubStoreError(scrub(text), status);
}

/** Checks the fields the store reads from an answer; a foreign shape is an error in words, not a TypeError. */
export function expectShape<S extends z.ZodType>(doing: string, schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues[0]?.path.join('.') || 'ответ';
  throw new GithubStoreError(
    `GitHub API ответил не так, как отвечает GitHub (${doing}: нет поля ${where}): проверьте GITHUB_API_URL.`,
  );
}
