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
  return new RetryingOctokit({
    auth: opts.token,
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
}
