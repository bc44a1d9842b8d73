import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import type { NameLookup } from './names.ts';
import { messageFor, type Phase, toProbeError } from './net-errors.ts';
import { ProbeError } from './result.ts';

/** What a bounded GET observed (the final response after redirects). */
export interface HttpOutcome {
  status: number;
  /** Final URL after redirects (operator evidence only). */
  url: string;
  redirects: number;
  /** The address the connection went to. */
  remoteAddress: string | undefined;
  /** Body bytes, when asked for (at most maxBody). */
  body?: Buffer;
  /** Content-Type header of the final response. */
  contentType?: string;
  /** For https: whether the certificate chain and name were valid (the http probe does not judge them). */
  tlsAuthorized?: boolean;
  tlsError?: string;
}

/** Options of one bounded GET. */
export interface HttpGetOptions {
  url: string;
  /** Name resolution (the checker's resolvers). */
  lookup: NameLookup;
  /** Send requests for this host name to this address instead of resolving it (the http_ip check). */
  pin?: { host: string; address: string };
  signal: AbortSignal;
  timeoutMs: number;
  maxBody: number;
  /** Read and return the body (capped at maxBody, HTTP_BODY_TOO_LARGE beyond). */
  readBody: boolean;
  /** Statuses that are accepted as they are (a redirect listed here is not followed). */
  accept: readonly number[];
  maxRedirects: number;
  ca?: string[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GET with a hard stop: names go through `lookup` (never another path), at most `maxRedirects` hops,
 * the body is capped, and the abort signal ends everything (connect, headers, a trickling body).
 * Certificates are recorded, not enforced: judging them is the tls probe's job.
 */
export async function httpGet(opts: HttpGetOptions): Promise<HttpOutcome> {
  let phase: Phase = 'resolve';
  let remoteAddress: string | undefined;
  let tlsAuthorized: boolean | undefined;
  let tlsError: string | undefined;
  const baseConnect = buildConnector({
    rejectUnauthorized: false,
    ...(opts.ca && { ca: opts.ca }),
    timeout: opts.timeoutMs,
    // Node's net.connect calls this with { all: true } when autoSelectFamily is on.
    lookup: (hostname: string, options: { all?: boolean }, cb: (...a: unknown[]) => void) => {
      const pinned =
        opts.pin && hostname.toLowerCase() === opts.pin.host.toLowerCase() ? opts.pin.address : undefined;
      const found = pinned
        ? Promise.resolve([{ address: pinned, family: pinned.includes(':') ? 6 : 4 }])
        : opts.lookup(hostname, opts.signal);
      found.then(
        (list) => {
          phase = 'connect';
          const first = list[0];
          if (!first) return cb(new ProbeError('DNS_NODATA', messageFor('DNS_NODATA')));
          if (options.all) cb(null, list);
          else cb(null, first.address, first.family);
        },
        (err) => cb(err),
      );
    },
  } as buildConnector.BuildOptions);
  const agent = new Agent({
    connections: 1,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    connect: (options, cb) => {
      baseConnect(options, (err, socket) => {
        if (err || !socket) return cb(err ?? new Error('no socket'), null);
        phase = 'exchange';
        remoteAddress = (socket as Socket).remoteAddress;
        const tls = socket as TLSSocket;
        if (typeof tls.authorized === 'boolean') {
          tlsAuthorized = tls.authorized;
          tlsError = tls.authorizationError ? String(tls.authorizationError) : undefined;
        }
        cb(null, socket);
      });
    },
  });
  try {
    let url = new URL(opts.url);
    const seen = new Set<string>([url.href]);
    for (let redirects = 0; ; redirects++) {
      phase = 'resolve';
      const res = await agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { 'user-agent': 'smart-status-checker', accept: '*/*' },
        signal: opts.signal,
      });
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode) && !opts.accept.includes(res.statusCode) && location) {
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
        tlsAuthorized,
        tlsError,
      };
      if (!opts.readBody) {
        discard(res.body);
        return outcome;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
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
    const e = toProbeError(err, phase, opts.signal.aborted);
    if (remoteAddress) e.evidence.address = remoteAddress;
    throw e;
  } finally {
    agent.destroy().catch(() => {});
  }
}

/** Drops a response body without reading it; undici reports the abort as an error that nobody needs. */
function discard(body: NodeJS.ReadableStream & { destroy: () => void }): void {
  body.on('error', () => {});
  body.destroy();
}
