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

/** GitHub's own message of a failed request ("Bad credentials", "Not Found", …). */
function apiMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  return raw.replace(/\s+-\s+https:\/\/docs\.github\.com\S*$/, '').slice(0, 300);
}

/**
 * Turns an Octokit error into a GithubStoreError that says what to do. `doing` names the operation
 * ("чтение ветки status"), `repository` is owner/name. The token is scrubbed in case a proxy echoed it.
 */
export function explainGithubError(
  e: unknown,
  ctx: { doing: string; repository: string; token: string },
): Error {
  if (e instanceof GithubStoreError) return e;
  const status = httpStatus(e);
  const msg = apiMessage(e);
  let text: string;
  if (status === undefined) {
    text = `GitHub API недоступен (${ctx.doing}): ${msg}`;
  } else if (status === 401) {
    text = `GitHub отклонил токен (401 ${msg}): проверьте GITHUB_TOKEN — он пуст, отозван или истёк.`;
  } else if (status === 403 || status === 429) {
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
  } else if (status === 409 && /empty/i.test(msg)) {
    text = `Репозиторий ${ctx.repository} пуст (409): сделайте в нём первый коммит, затем повторите.`;
  } else {
    text = `GitHub ответил ${status} (${ctx.doing}, ${ctx.repository}): ${msg}`;
  }
  const scrubbed = ctx.token ? text.split(ctx.token).join('***') : text;
  return new GithubStoreError(scrubbed, status);
}
