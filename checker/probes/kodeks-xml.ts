import type { Probes } from '../config/schema.ts';
import type { Probe, ProbeContext } from './context.ts';
import { urlHost } from './context.ts';
import { httpTarget } from './http.ts';
import { httpGet } from './http-get.ts';
import { toProbeError } from './net-errors.ts';
import { fail, ok, since } from './result.ts';
import type { ProbeResult } from './types.ts';
import { decodeXml, parseXml, selectValue } from './xml-select.ts';

type XmlSettings = NonNullable<Probes['kodeks_xml']>;

/** Fetches the Kodeks XML status document by the domain and reads the SenseLock key state (see xml-select.ts). */
export const kodeksXmlProbe: Probe<'kodeks_xml'> = {
  type: 'kodeks_xml',
  plan(installation, settings) {
    return [{ check: 'kodeks_xml', host: urlHost(installation), run: (ctx) => runXml(ctx, settings) }];
  },
};

async function runXml(ctx: ProbeContext, settings: XmlSettings): Promise<ProbeResult> {
  const start = performance.now();
  const url = httpTarget(ctx.installation, settings.path);
  try {
    const res = await httpGet({
      url,
      lookup: ctx.lookup,
      policy: ctx.policy,
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
      maxBody: ctx.maxBody,
      readBody: true,
      accept: [200],
      maxRedirects: 5,
      ca: ctx.ca,
      secureContext: ctx.secureContext,
      pool: ctx.httpPool,
    });
    const base = { url: res.url, http_status: res.status, select: settings.select };
    if (res.status !== 200)
      return fail(
        since(start),
        'HTTP_STATUS',
        `Документ статуса недоступен: сервер ответил с кодом ${res.status}.`,
        base,
      );
    return judgeXml(res.body ?? Buffer.alloc(0), settings, since(start), base);
  } catch (err) {
    const e = toProbeError(err, 'exchange', ctx.signal.aborted);
    return fail(since(start), e.code, `Документ статуса недоступен. ${e.message}`, { url, ...e.evidence });
  }
}

/** Judges the bytes of a status document against `select` and `ok` (pure). */
export function judgeXml(
  body: Buffer,
  settings: Pick<XmlSettings, 'select' | 'ok'>,
  latencyMs = 0,
  base: Record<string, string | number> = {},
): ProbeResult {
  try {
    const value = selectValue(parseXml(decodeXml(body)), settings.select);
    if (value === undefined)
      return fail(latencyMs, 'XML_NOT_FOUND', 'В документе статуса нет сведений о ключе SenseLock.', base);
    const evidence = { ...base, value: value.slice(0, 100) };
    const good = settings.ok.some((v) => v.toLowerCase() === value.trim().toLowerCase());
    if (!good)
      return fail(
        latencyMs,
        'KEY_MISSING',
        'Сервер Кодекс сообщает, что ключ SenseLock не найден.',
        evidence,
      );
    return ok(latencyMs, 'Ключ SenseLock на месте.', evidence);
  } catch (err) {
    const e = toProbeError(err, 'exchange', false);
    return fail(latencyMs, e.code, e.message, { ...base, ...e.evidence });
  }
}
