import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';

/** Options of the Octokit client the `github` store and branch compaction use. */
export interface GithubClientOptions {
  /** GITHUB_TOKEN, passed in from the environment by the command; never printed. */
  token: string;
  /** REST API base, default https://api.github.com (GITHUB_API_URL). */
  apiUrl?: string;
  /** Pause between content-creating requests in ms (GitHub asks for ≥ 1 s; default 1000). */
  writeSpacingMs?: number;
  /** Unit of retry-after / backoff waits in ms (default 1000, i.e. seconds as GitHub sends them). */
  retryUnitMs?: number;
  /** Longest rate-limit wait accepted in seconds; beyond it the request fails (default 120). */
  maxRateLimitWaitS?: number;
  /** Operator messages (rate-limit waits). */
  log?: (message: string) => void;
  /** Hard limit of one request, body included, in ms (default 20 s; undici's own is 300 s). */
  timeoutMs?: number;
}

/** Default hard limit of one GitHub request (Telegram's is 15 s; a tarball of the branch needs a little more). */
export const GITHUB_TIMEOUT_MS = 20_000;

/**
 * A request that did not finish in time. Named AbortError on purpose: @octokit/request passes such an
 * error through untouched and plugin-retry does not retry it, so a hanging API costs one timeout, not four.
 */
export class GithubTimeoutError extends Error {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'AbortError';
    this.timeoutMs = timeoutMs;
  }
}

/** fetch with a hard timeout over the whole exchange: the body is read inside it too. */
function timedFetch(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const timer = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timer]) : timer;
    try {
      const res = await fetch(input, { ...init, signal });
      const body = await res.arrayBuffer();
      return new Response(body.byteLength > 0 ? body : null, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    } catch (err) {
      if (timer.aborted) throw new GithubTimeoutError(timeoutMs);
      throw err;
    }
  };
}

/** Routes whose answer is not JSON (the tarball redirect ends in a gzip archive). */
const BINARY_ROUTE = /\/tarball\//;

/**
 * A successful answer that is not GitHub's JSON — an HTML page of a proxy, a captive portal, a wrong
 * GITHUB_API_URL. Reported in words instead of failing later on a missing field.
 */
export class GithubNotJsonError extends Error {
  readonly status: number;
  readonly contentType: string;
  constructor(status: number, contentType: string) {
    super(`answer ${status} is not JSON (${contentType || 'no content-type'})`);
    this.name = 'GithubNotJsonError';
    this.status = status;
    this.contentType = contentType;
  }
}

const RetryingOctokit = Octokit.plugin(retry, throttling);

/**
 * An Octokit with plugin-retry (5xx and network errors, with backoff) and plugin-throttling (primary and
 * secondary rate limits: waits for retry-after / x-ratelimit-reset, spaces writes).
 */
export function createGithubClient(opts: GithubClientOptions): Octokit {
  const log = opts.log ?? (() => {});
  const maxWait = opts.maxRateLimitWaitS ?? 120;
  const unit = opts.retryUnitMs ?? 1000;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
      if (retryCount >= 3 || retryAfter > maxWait) return false;
      log(`GitHub: ${kind}, повтор ${options.method} ${options.url} через ${retryAfter} с`);
      return true;
    };
  const octokit = new RetryingOctokit({
    auth: opts.token,
    request: { fetch: timedFetch(opts.timeoutMs ?? GITHUB_TIMEOUT_MS) },
    baseUrl: (opts.apiUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'smart-status',
    log: { debug: () => {}, info: () => {}, warn: log, error: log },
    retry: { retries: 3, retryAfterBaseValue: unit },
    throttle: {
      retryAfterBaseValue: unit,
      fallbackSecondaryRateRetryAfter: 60,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: opts.writeSpacingMs ?? 1000 }),
      onRateLimit: onLimit('лимит запросов исчерпан'),
      onSecondaryRateLimit: onLimit('вторичный лимит запросов'),
    },
  });
  // Registered after the plugins, so it runs outside their retries: a non-JSON answer is not retried.
  octokit.hook.after('request', (response, options) => {
    if (response.status === 204 || response.status === 205 || BINARY_ROUTE.test(String(options.url))) return;
    const data: unknown = response.data;
    if (typeof data !== 'object' || data === null || data instanceof ArrayBuffer)
      throw new GithubNotJsonError(response.status, String(response.headers['content-type'] ?? ''));
  });
  return octokit;
}
