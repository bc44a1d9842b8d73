import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import type { SecureContext } from 'node:tls';
import { type AddressPolicy, allowedAddresses, refusal } from './address-policy.ts';
import { createHttpPool, type HttpPool } from './http-pool.ts';
import type { Address, NameLookup } from './names.ts';
import { type Phase, toProbeError } from './net-errors.ts';
import { ProbeError } from './result.ts';

/** What a bounded GET observed (the final response after redirects). */
export interface HttpOutcome {
  status: number;
  /** Final URL after redirects (operator evidence only). */
  url: string;
  redirects: number;
  /** The address the request went to (resolved or pinned). */
  remoteAddress: string | undefined;
  /** Body bytes, when asked for (at most maxBody). */
  body?: Buffer;
  /** Content-Type header of the final response. */
  contentType?: string;
}

/** Options of one bounded GET. */
export interface HttpGetOptions {
  url: string;
  /** Name resolution (the checker's resolvers). */
  lookup: NameLookup;
  /** Addresses that may be connected to: applied to the first target, every redirect and every DNS answer. */
  policy: AddressPolicy;
  /** Send requests for this host name to this address instead of resolving it (the http_ip check). */
  pin?: { host: string; address: string };
  signal: AbortSignal;
  timeoutMs: number;
  maxBody: number;
  /** Read and return the body (capped at maxBody, HTTP_BODY_TOO_LARGE beyond). */
  readBody: boolean;
  /** POST sends `form` URL-encoded (the Kodeks sysinfo report request); default GET. */
  method?: 'GET' | 'POST';
  /** Form fields of a POST. */
  form?: Record<string, string>;
  /** Extra request headers (e.g. Basic auth); dropped when a redirect leaves the first origin. */
  headers?: Record<string, string>;
  /** With readBody: keep the first maxBody bytes of a longer body instead of failing (a page is searched). */
  truncate?: boolean;
  /** Statuses that are accepted as they are (a redirect listed here is not followed). */
  accept: readonly number[];
  maxRedirects: number;
  /** The run's connection pool; without one, a private pool is made and closed afterwards. */
  pool?: HttpPool;
  ca?: string[];
  secureContext?: SecureContext;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GET (or a form POST) with a hard stop: names go through `lookup` (never another path), at most `maxRedirects` hops, the body
 * is capped, and the abort signal ends everything (connect, headers, a trickling body).
 */
export async function httpGet(opts: HttpGetOptions): Promise<HttpOutcome> {
  const pool = opts.pool ?? createHttpPool(opts);
  let phase: Phase = 'resolve';
  let remoteAddress: string | undefined;
  try {
    let url = new URL(opts.url);
    const firstOrigin = url.origin;
    let method = opts.method ?? 'GET';
    const seen = new Set<string>([url.href]);
    for (let redirects = 0; ; redirects++) {
      phase = 'resolve';
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const pinned = opts.pin && host.toLowerCase() === opts.pin.host.toLowerCase() ? opts.pin : undefined;
      // Resolve first (cached for the run): a DNS failure is reported as such, and the address is evidence.
      // The policy is applied here, before any connection, to the first target and to every redirect.
      let found: Address[];
      try {
        found = pinned
          ? [{ address: pinned.address, family: isIP(pinned.address) === 6 ? 6 : 4 }]
          : await opts.lookup(host, opts.signal);
      } catch (err) {
        // A guarded lookup words its refusal for a first target; after a redirect, say it was a redirect.
        if (redirects > 0 && err instanceof ProbeError && err.code === 'ADDRESS_REFUSED')
          throw refusal(String(err.evidence.refused), isIP(host) ? 'redirect-address' : 'redirect-name');
        throw err;
      }
      remoteAddress = allowedAddresses(host, found, opts.policy, redirects > 0)[0]?.address;
      phase = 'connect';
      const post = method === 'POST';
      const res = await pool.agent(pinned, opts.policy).request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers: {
          'user-agent': 'smart-status-checker',
          accept: '*/*',
          // Credentials go to the configured origin only, never to where a redirect points.
          ...(url.origin === firstOrigin ? opts.headers : {}),
          ...(post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(post ? { body: new URLSearchParams(opts.form ?? {}).toString() } : {}),
        signal: opts.signal,
      });
      phase = 'exchange';
      const location = res.headers.location;
      // With redirects turned off (maxRedirects 0) a redirect is the answer itself, reported by its status.
      const follow = opts.maxRedirects > 0 && !opts.accept.includes(res.statusCode);
      if (REDIRECTS.has(res.statusCode) && follow && location) {
        discard(res.body);
        const next = new URL(String(location), url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:')
          throw new ProbeError('HTTP_ERROR', 'Перенаправление на неподдерживаемый адрес.', {
            location: String(location).slice(0, 200),
          });
        if (seen.has(next.href) || redirects >= opts.maxRedirects)
          throw new ProbeError(
            'HTTP_REDIRECT_LOOP',
            seen.has(next.href) ? 'Сервер перенаправляет по кругу.' : 'Слишком много перенаправлений подряд.',
            { redirects: redirects + 1, last: next.href.slice(0, 300) },
          );
        seen.add(next.href);
        // As browsers do: 307/308 repeat the request as it was, the other redirects continue with a GET.
        if (res.statusCode !== 307 && res.statusCode !== 308) method = 'GET';
        url = next;
        continue;
      }
      const outcome: HttpOutcome = {
        status: res.statusCode,
        url: url.href,
        redirects,
        remoteAddress,
        contentType:
          typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : undefined,
      };
      if (!opts.readBody) {
        discard(res.body);
        return outcome;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > opts.maxBody && opts.truncate) {
          chunks.push((chunk as Buffer).subarray(0, (chunk as Buffer).length - (size - opts.maxBody)));
          discard(res.body);
          break;
        }
        if (size > opts.maxBody) {
          discard(res.body);
          throw new ProbeError('HTTP_BODY_TOO_LARGE', 'Ответ сервера больше допустимого размера.', {
            max_body: opts.maxBody,
          });
        }
        chunks.push(chunk as Buffer);
      }
      outcome.body = Buffer.concat(chunks);
      return outcome;
    }
  } catch (err) {
    const e = toProbeError(err, phase === 'connect' ? 'exchange' : phase, opts.signal.aborted);
    if (remoteAddress) e.evidence.address = remoteAddress;
    throw e;
  } finally {
    if (!opts.pool) pool.close().catch(() => {});
  }
}

/** Drops a response body without reading it; undici reports the abort as an error that nobody needs. */
function discard(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}
