import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { Probes } from '../config/schema.ts';
import type { Probe, ProbeContext } from './context.ts';
import { urlHost, urlPort } from './context.ts';
import { httpTarget } from './http.ts';
import { httpGet } from './http-get.ts';
import { toProbeError } from './net-errors.ts';
import { fail, ok, since, unknown } from './result.ts';
import type { Finding, ProbeResult } from './types.ts';

type MetricsSettings = NonNullable<Probes['metrics']>;
type Endpoint = MetricsSettings['endpoints'][number];

const PATHS: Record<Endpoint, string> = { sysinfo: '/sysinfo/metrics', sysmon: '/sysmon/metrics' };

/** What one endpoint gave. */
interface EndpointOutcome {
  endpoint: Endpoint;
  status: 'ok' | 'fail' | 'unknown';
  code: string;
  /** Warnings the server reports (value 1 of kserver_main_page / kserver_product_control). */
  warnings: string[];
  /** Why nothing could be read, in Russian. */
  why?: string;
  samples: number;
}

/**
 * The Kodeks server's metrics: `/sysinfo/metrics` and, with credentials from the environment,
 * `/sysmon/metrics` (HTTP Basic auth). `kserver_main_page` or `kserver_product_control` at 1 for a catalog
 * raises KodeksWarning, with the catalog's path in the message. The password is read from the variable
 * named by `password_env` when the check runs; it is sent only to the installation's own origin and never
 * appears in results, evidence or messages.
 */
export const metricsProbe: Probe<'metrics'> = {
  type: 'metrics',
  plan(installation, settings) {
    return [
      {
        check: 'metrics',
        host: urlHost(installation),
        port: urlPort(installation),
        run: (ctx) => runMetrics(ctx, settings),
      },
    ];
  },
};

async function runMetrics(ctx: ProbeContext, s: MetricsSettings): Promise<ProbeResult> {
  const start = performance.now();
  const outcomes = await Promise.all(s.endpoints.map((e) => readEndpoint(ctx, s, e)));
  const evidence: Record<string, string | number> = {};
  for (const o of outcomes) {
    evidence[`${o.endpoint}`] = o.code;
    evidence[`${o.endpoint}_samples`] = o.samples;
  }
  const warnings = [...new Set(outcomes.flatMap((o) => o.warnings))];
  const read = outcomes.filter((o) => o.status !== 'unknown');
  const whyNot = outcomes
    .filter((o) => o.why)
    .map((o) => `${PATHS[o.endpoint]}: ${o.why}`)
    .join('; ');
  let finding: Finding;
  let result: ProbeResult;
  if (warnings.length > 0) {
    const text = `Сервер ПК сообщает о нештатном состоянии: ${warnings.slice(0, 4).join('; ')}${warnings.length > 4 ? ` и ещё ${warnings.length - 4}` : ''}.`;
    finding = {
      alert: 'KodeksWarning',
      status: 'fail',
      message: text,
      // The catalogs' paths stay in the manager's message; the client's page says only what it means.
      impact: { status: 'fail', message: 'Сервер ПК сообщает о нештатном состоянии справочной системы.' },
    };
    result = fail(since(start), 'METRICS_WARNING', text, evidence);
  } else if (read.length > 0) {
    const text = `Метрики сервера ПК без предупреждений${whyNot ? ` (не прочитано: ${whyNot})` : ''}.`;
    finding = { alert: 'KodeksWarning', status: 'ok', message: text };
    result = ok(since(start), text, evidence);
  } else {
    const text = `Метрики сервера ПК не прочитаны: ${whyNot}.`;
    finding = { alert: 'KodeksWarning', status: 'unknown', message: text };
    const code =
      outcomes.find((o) => o.code === 'AUTH_FAILED' || o.code === 'NO_CREDENTIALS')?.code ??
      outcomes[0]?.code;
    result = unknown(since(start), (code ?? 'METRICS_INVALID') as ProbeResult['code'], text, evidence);
  }
  return { ...result, findings: [finding] };
}

async function readEndpoint(
  ctx: ProbeContext,
  s: MetricsSettings,
  endpoint: Endpoint,
): Promise<EndpointOutcome> {
  const base = { endpoint, warnings: [], samples: 0 };
  const headers: Record<string, string> = {};
  if (endpoint === 'sysmon') {
    const password = ctx.secret?.(s.password_env);
    if (!password)
      return {
        ...base,
        status: 'unknown',
        code: 'NO_CREDENTIALS',
        why: `нет пароля в переменной окружения ${s.password_env}`,
      };
    headers.authorization = `Basic ${Buffer.from(`${s.user}:${password}`).toString('base64')}`;
  }
  let text: string;
  try {
    const res = await httpGet({
      url: httpTarget(ctx.installation, PATHS[endpoint]),
      headers,
      lookup: ctx.lookup,
      policy: ctx.policy,
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
      maxBody: ctx.maxBody,
      readBody: true,
      accept: [200, 401, 403],
      maxRedirects: 2,
      ca: ctx.ca,
      secureContext: ctx.secureContext,
      pool: ctx.httpPool,
    });
    if (res.status === 401 || res.status === 403)
      return {
        ...base,
        status: 'unknown',
        code: 'AUTH_FAILED',
        why:
          endpoint === 'sysmon'
            ? `сервер не принял пользователя ${s.user} и пароль из ${s.password_env} (ответ ${res.status})`
            : `каталог закрыт авторизацией (ответ ${res.status})`,
      };
    if (res.status !== 200)
      return { ...base, status: 'unknown', code: 'HTTP_STATUS', why: `ответ ${res.status}` };
    text = (res.body ?? Buffer.alloc(0)).toString('utf8');
  } catch (err) {
    const e = toProbeError(err, 'exchange', ctx.signal.aborted);
    return { ...base, status: 'unknown', code: e.code, why: e.message.replace(/\.$/, '').toLowerCase() };
  }
  return judgeMetricsText(endpoint, text);
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const WATCHED: Record<string, string> = {
  kserver_main_page: 'ошибка главной страницы',
  kserver_product_control: 'требуется проверить состав баз',
};

/** Reads one endpoint's text (pure): warnings of the watched metrics, or why it is not metrics. */
export function judgeMetricsText(endpoint: Endpoint, text: string): EndpointOutcome {
  const base = { endpoint, warnings: [] as string[], samples: 0 };
  let families: ReturnType<typeof parsePrometheusTextFormat>;
  try {
    families = parsePrometheusTextFormat(text);
  } catch (err) {
    return {
      ...base,
      status: 'unknown',
      code: 'METRICS_INVALID',
      why: `ответ не в формате метрик Prometheus (${String((err as Error).message).slice(0, 80)})`,
    };
  }
  const bad = families.find(
    (f) =>
      !NAME.test(f.name) || f.metrics.some((m) => m.value !== undefined && Number.isNaN(Number(m.value))),
  );
  if (bad)
    return {
      ...base,
      status: 'unknown',
      code: 'METRICS_INVALID',
      why: `ответ не в формате метрик Prometheus (строка «${bad.name.slice(0, 40)}»)`,
    };
  let samples = 0;
  let watched = 0;
  const warnings: string[] = [];
  for (const f of families) {
    samples += f.metrics.length;
    const what = WATCHED[f.name];
    if (!what) continue;
    for (const m of f.metrics) {
      watched++;
      if (Number(m.value) === 0) continue;
      const path = m.labels?.path;
      const status = m.labels?.status;
      warnings.push(
        `${what}${path ? ` в каталоге ${path}` : ''} (${f.name} = ${m.value}${status ? `, status «${status}»` : ''})`,
      );
    }
  }
  if (watched === 0)
    return {
      ...base,
      samples,
      status: 'unknown',
      code: 'METRICS_INVALID',
      why: 'в ответе нет метрик kserver_main_page и kserver_product_control',
    };
  return {
    ...base,
    samples,
    warnings,
    status: warnings.length > 0 ? 'fail' : 'ok',
    code: warnings.length > 0 ? 'METRICS_WARNING' : 'OK',
  };
}
