import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import type { Probes } from '../config/schema.ts';
import type { Probe, ProbeContext } from './context.ts';
import { urlHost, urlPort } from './context.ts';
import { httpGet } from './http-get.ts';
import type { PeerInfo } from './http-pool.ts';
import { messageFor, type Phase, toProbeError } from './net-errors.ts';
import { fail, ok, ProbeError, since } from './result.ts';
import type { ProbeResult } from './types.ts';

type TlsSettings = NonNullable<Probes['tls']>;

const DAY = 86_400_000;

/** The TLS certificate of the installation's https URL: days to expiry; expired, wrong name, untrusted. */
export const tlsProbe: Probe<'tls'> = {
  type: 'tls',
  plan(installation, settings) {
    return [
      {
        check: 'tls',
        host: urlHost(installation),
        port: settings.port ?? urlPort(installation),
        run: (ctx) => runTls(ctx, settings),
      },
    ];
  },
};

async function runTls(ctx: ProbeContext, settings: TlsSettings): Promise<ProbeResult> {
  const start = performance.now();
  const url = new URL(ctx.installation.url);
  const servername = urlHost(ctx.installation);
  const port = settings.port ?? (url.port ? Number(url.port) : 443);
  let phase: Phase = 'resolve';
  let socket: TLSSocket | undefined;
  try {
    const [first] = await ctx.lookup(servername, ctx.signal);
    if (!first) return fail(since(start), 'DNS_NODATA', messageFor('DNS_NODATA'));
    phase = 'connect';
    const shared = await sharedPeer(ctx, url, servername, port);
    if (shared?.cert) {
      const base = { address: shared.address ?? first.address, port, connection: 'shared with http' };
      return judgeCertificate(
        shared.cert,
        shared.verifyError,
        servername,
        settings.warn_days,
        ctx.now(),
        since(start),
        base,
      );
    }
    if (ctx.signal.aborted) throw new Error('aborted');
    const s = await new Promise<TLSSocket>((resolve, reject) => {
      const sock = connect({
        host: first.address,
        port,
        servername,
        rejectUnauthorized: false,
        ...(ctx.secureContext ? { secureContext: ctx.secureContext } : ctx.ca && { ca: ctx.ca }),
      });
      socket = sock;
      const onAbort = () => sock.destroy(new Error('aborted'));
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      sock.once('secureConnect', () => {
        ctx.signal.removeEventListener('abort', onAbort);
        resolve(sock);
      });
      sock.once('error', (err) => {
        ctx.signal.removeEventListener('abort', onAbort);
        reject(err);
      });
    });
    const cert = s.getPeerX509Certificate();
    if (!cert)
      return fail(since(start), 'TLS_ERROR', 'Сервер не предъявил сертификат.', {
        address: first.address,
        port,
      });
    const verifyError = s.authorizationError ? String(s.authorizationError) : undefined;
    return judgeCertificate(cert, verifyError, servername, settings.warn_days, ctx.now(), since(start), {
      address: first.address,
      port,
    });
  } catch (err) {
    const e = toProbeError(err, phase, ctx.signal.aborted);
    return fail(since(start), e.code, e.message, { port, ...e.evidence });
  } finally {
    socket?.destroy();
  }
}

/**
 * The certificate seen by the run's HTTP pool on the installation's origin, making a request through the pool
 * when no connection exists yet; undefined when the tls check must connect on its own (another port, no pool,
 * or the connection failed before the handshake). When that connection's handshake did not finish within the
 * connect timeout, this throws its CONN_TIMEOUT: it was the tls check's handshake too, and a second one
 * would only wait out the rest of the check's time (a silent hosting's 500 tls checks ended last, after it).
 */
async function sharedPeer(
  ctx: ProbeContext,
  url: URL,
  servername: string,
  port: number,
): Promise<PeerInfo | undefined> {
  const pool = ctx.httpPool;
  if (!pool || url.protocol !== 'https:' || Number(url.port || 443) !== port) return undefined;
  const known = pool.peer(servername, port);
  if (known) return known;
  await httpGet({
    url: `${url.origin}/`,
    lookup: ctx.lookup,
    policy: ctx.policy,
    signal: ctx.signal,
    timeoutMs: ctx.timeoutMs,
    maxBody: ctx.maxBody,
    readBody: false,
    accept: [],
    maxRedirects: 0,
    pool,
  }).catch((err: unknown) => {
    if (err instanceof ProbeError && err.code === 'CONN_TIMEOUT' && !pool.peer(servername, port)) throw err;
  });
  return pool.peer(servername, port);
}

/** Judges a server certificate (pure apart from parsing): expired, not yet valid, wrong name, untrusted, expiring. */
export function judgeCertificate(
  cert: X509Certificate,
  verifyError: string | undefined,
  servername: string,
  warnDays: number,
  now: Date,
  latency: number,
  base: Record<string, string | number>,
): ProbeResult {
  const notAfter = Date.parse(cert.validTo);
  const notBefore = Date.parse(cert.validFrom);
  const daysLeft = Math.floor((notAfter - now.getTime()) / DAY);
  const evidence = {
    ...base,
    subject: cert.subject.replace(/\n/g, ', ').slice(0, 200),
    issuer: cert.issuer.replace(/\n/g, ', ').slice(0, 200),
    valid_from: new Date(notBefore).toISOString(),
    valid_to: new Date(notAfter).toISOString(),
    days_left: daysLeft,
    ...(cert.subjectAltName && { san: cert.subjectAltName.slice(0, 300) }),
    ...(verifyError && { verify_error: verifyError }),
  };
  const nameOk = isIP(servername)
    ? cert.checkIP(servername) !== undefined
    : cert.checkHost(servername) !== undefined;
  if (notAfter <= now.getTime() || verifyError === 'CERT_HAS_EXPIRED')
    return fail(
      latency,
      'TLS_EXPIRED',
      'Срок действия сертификата истёк: браузеры показывают ошибку.',
      evidence,
    );
  if (notBefore > now.getTime() || verifyError === 'CERT_NOT_YET_VALID')
    return fail(latency, 'TLS_NOT_YET_VALID', 'Сертификат ещё не начал действовать.', evidence);
  if (!nameOk)
    return fail(
      latency,
      'TLS_HOSTNAME',
      'Сертификат выдан на другое имя, браузеры показывают ошибку.',
      evidence,
    );
  if (verifyError)
    return fail(
      latency,
      'TLS_UNTRUSTED',
      'Сертификат выдан недоверенным центром или цепочка неполна.',
      evidence,
    );
  if (daysLeft < warnDays)
    return fail(latency, 'TLS_EXPIRING', `Сертификат истекает через ${daysLeft} дн.`, evidence);
  return ok(latency, `Сертификат действителен ещё ${daysLeft} дн.`, evidence);
}
