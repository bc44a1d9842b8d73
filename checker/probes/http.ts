import type { Installation, Probes } from '../config/schema.ts';
import type { CheckTask, Probe, ProbeContext } from './context.ts';
import { urlHost } from './context.ts';
import { httpGet } from './http-get.ts';
import { toProbeError } from './net-errors.ts';
import { fail, ok, since } from './result.ts';
import type { ProbeResult } from './types.ts';

type HttpSettings = NonNullable<Probes['http']>;

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

/** HTTP(S) GET by the domain (check `http`) and, when `ip` is set, straight to the ip (check `http_ip`). */
export const httpProbe: Probe<'http'> = {
  type: 'http',
  plan(installation, settings) {
    const tasks: CheckTask[] = [
      { check: 'http', host: urlHost(installation), run: (ctx) => runHttp(ctx, settings, undefined) },
    ];
    const ip = installation.ip;
    if (ip && settings.by_ip) {
      tasks.push({ check: 'http_ip', host: ip, run: (ctx) => runHttp(ctx, settings, ip) });
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
      maxBody: ctx.maxBody,
      readBody: false,
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
