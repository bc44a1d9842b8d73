import { isIP } from 'node:net';
import { Agent, request } from 'undici';

/** Where the Kodeks web server answers on this machine, and how to ask it. */
export interface LocalTarget {
  /** Base URL on loopback, e.g. http://127.0.0.1:8080/ (never another host). */
  base: URL;
  /** Host header and TLS server name: the installation's domain, so virtual hosts answer as for users. */
  host: string;
}

/** A response from the local server: status and at most `maxBytes` of the body. */
export interface LocalResponse {
  statusCode: number;
  /** Raw bytes: the XML status declares its own encoding (windows-1251 is common on Kodeks servers). */
  body: Buffer;
  /** True when the body was longer than the cap and was cut. */
  truncated: boolean;
}

/**
 * The local target of an installation: its URL's scheme and port on 127.0.0.1, or plain http on
 * `port` when the Kodeks server listens elsewhere than the proxy users go through.
 */
export function localTarget(installationUrl: string, port?: number): LocalTarget {
  const url = new URL(installationUrl);
  const scheme = port !== undefined ? 'http:' : url.protocol;
  const p = port ?? (url.port ? Number(url.port) : scheme === 'https:' ? 443 : 80);
  return { base: new URL(`${scheme}//127.0.0.1:${p}/`), host: url.host };
}

/**
 * GETs (or form-POSTs) `path` from the local server with a hard timeout and a body cap. Certificates are not checked:
 * the central `tls` probe judges them; here only "does the server on this machine answer" matters.
 */
export async function fetchLocal(
  target: LocalTarget,
  path: string,
  opts: { timeoutMs: number; maxBytes: number; method?: 'GET' | 'POST'; form?: Record<string, string> },
): Promise<LocalResponse> {
  const hostname = target.host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const dispatcher = new Agent({
    connect: {
      rejectUnauthorized: false,
      ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
      timeout: opts.timeoutMs,
    },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
  });
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    // Concatenating onto the origin keeps any path (even "/http://elsewhere/") on loopback.
    const url = new URL(`${target.base.origin}${path.startsWith('/') ? '' : '/'}${path}`);
    if (url.hostname !== '127.0.0.1') throw new Error(`refusing to leave loopback: ${url.host}`);
    const post = opts.method === 'POST';
    const res = await request(url, {
      method: post ? 'POST' : 'GET',
      headers: {
        host: target.host,
        ...(post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(post ? { body: new URLSearchParams(opts.form ?? {}).toString() } : {}),
      dispatcher,
      signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      if (size + buf.length > opts.maxBytes) {
        chunks.push(buf.subarray(0, opts.maxBytes - size));
        truncated = true;
        res.body.destroy();
        break;
      }
      chunks.push(buf);
      size += buf.length;
    }
    return { statusCode: res.statusCode, body: Buffer.concat(chunks), truncated };
  } finally {
    await dispatcher.destroy().catch(() => {});
  }
}
