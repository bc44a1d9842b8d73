import type { Installation, Probes } from '../config/schema.ts';
import type { CheckTask, Probe, ProbeContext } from './context.ts';
import { urlHost, urlPort } from './context.ts';
import { httpGet } from './http-get.ts';
import { toProbeError } from './net-errors.ts';
import { pageText } from './page-text.ts';
import { fail, ok, since } from './result.ts';
import type { ProbeResult } from './types.ts';

type HttpSettings = NonNullable<Probes['http']>;

/** How much of a page is searched for the «service required» message. */
const PAGE_BYTES = 256 * 1024;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

/** The address requested: the installation's URL with the probe's path, if any. */
export function httpTarget(installation: Installation, path: string | undefined): string {
  const url = new URL(installation.url);
  if (path) {
    const p = new URL(path, url.origin);
    url.pathname = p.pathname;
    url.search = p.search;
  }
  return url.href;
}

/**
 * HTTP(S) GET by the domain (check `http`) and, when `ip` is set, straight to the ip (check `http_ip`). Besides
 * the status, two states of the PK itself are told apart: 503 is its maintenance mode (KODEKS_MAINTENANCE,
 * unless 503 is expected) and its «service required» page (KODEKS_NEED_SUPPORT, matched by `need_support`).
 */
export const httpProbe: Probe<'http'> = {
  type: 'http',
  plan(installation, settings) {
    const tasks: CheckTask[] = [
      {
        check: 'http',
        host: urlHost(installation),
        port: urlPort(installation),
        run: (ctx) => runHttp(ctx, settings, undefined),
      },
    ];
    const ip = installation.ip;
    if (ip && settings.by_ip) {
      tasks.push({
        check: 'http_ip',
        host: ip,
        port: urlPort(installation),
        run: (ctx) => runHttp(ctx, settings, ip),
      });
    }
    return tasks;
  },
};

async function runHttp(
  ctx: ProbeContext,
  settings: HttpSettings,
  ip: string | undefined,
): Promise<ProbeResult> {
  const start = performance.now();
  const url = httpTarget(ctx.installation, settings.path);
  const how = ip ? 'по IP-адресу' : 'по доменному имени';
  try {
    const res = await httpGet({
      url,
      lookup: ctx.lookup,
      policy: ctx.policy,
      pin: ip ? { host: urlHost(ctx.installation), address: ip } : undefined,
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
      // The page is read (its first PAGE_BYTES) only to look for the PK's «service required» message.
      maxBody: Math.min(ctx.maxBody, PAGE_BYTES),
      readBody: settings.need_support !== false,
      truncate: true,
      accept: settings.expect,
      maxRedirects: settings.max_redirects,
      ca: ctx.ca,
      secureContext: ctx.secureContext,
      pool: ctx.httpPool,
    });
    const evidence = {
      url: res.url,
      address: res.remoteAddress ?? null,
      http_status: res.status,
      redirects: res.redirects,
    };
    const needSupport =
      settings.need_support !== false && res.body
        ? new RegExp(settings.need_support, 'iu').exec(pageText(res.body, res.contentType))
        : null;
    if (needSupport) {
      const said = needSupport[0].replace(/\s+/g, ' ').trim().slice(0, 80);
      return fail(
        since(start),
        'KODEKS_NEED_SUPPORT',
        `ПК показывает служебное сообщение «${said}» (ответ ${how}, код ${res.status}).`,
        { ...evidence, need_support: said },
      );
    }
    if (res.status === 503 && !settings.expect.includes(503)) {
      return fail(
        since(start),
        'KODEKS_MAINTENANCE',
        `ПК в режиме технического обслуживания: сервер ответил ${how} кодом 503.`,
        evidence,
      );
    }
    if (!settings.expect.includes(res.status) && settings.max_redirects === 0 && REDIRECT.has(res.status)) {
      return fail(
        since(start),
        'HTTP_STATUS',
        `Сервер ответил ${res.status}, перенаправления выключены (max_redirects: 0) — запрос ${how}.`,
        { ...evidence, expected: settings.expect.join(',') },
      );
    }
    if (!settings.expect.includes(res.status)) {
      return fail(
        since(start),
        'HTTP_STATUS',
        `Сервер ответил ${how} с кодом ${res.status}, ожидался другой.`,
        {
          ...evidence,
          expected: settings.expect.join(','),
        },
      );
    }
    return ok(since(start), `Сервер отвечает ${how} (код ${res.status}).`, evidence);
  } catch (err) {
    const e = toProbeError(err, 'exchange', ctx.signal.aborted);
    return fail(since(start), e.code, `${e.message.replace(/\.$/, '')} (запрос ${how}).`, {
      url,
      ...e.evidence,
    });
  }
}
