import type { Probes } from '../config/schema.ts';
import { FileTooLargeError } from '../status/limits.ts';
import { agentReportSchema } from '../status/schema.ts';
import { type SysinfoFacts, sysinfoFactsSchema } from '../status/sysinfo.ts';
import { ageText, type JudgeSettings, judgeFacts, judgeNoReport } from '../sysinfo/judge.ts';
import { resolveProfile } from '../sysinfo/profile.ts';
import { MAX_AGENT_REPORT } from './agent.ts';
import type { Probe, ProbeContext } from './context.ts';
import { urlHost, urlPort } from './context.ts';
import { httpTarget } from './http.ts';
import { httpGet } from './http-get.ts';
import { toProbeError } from './net-errors.ts';
import { fail, ok, since, unknown } from './result.ts';
import type { Finding, ProbeCode, ProbeResult } from './types.ts';

type SysinfoSettings = NonNullable<Probes['sysinfo']>;

/**
 * The Kodeks sysinfo report: pulled from the server (`POST /sysinfo/si_save_request`, `type=zip`) at most
 * every `every`, or the facts `smart agent` pushed from a closed network. The report is read in a worker
 * thread (checker/sysinfo) into typed facts, which are judged into one finding per alert and kept in the
 * status data; between pulls the kept facts are judged again (licences tick down without a new request).
 */
export const sysinfoProbe: Probe<'sysinfo'> = {
  type: 'sysinfo',
  plan(installation, settings) {
    return [
      settings.source === 'agent'
        ? { check: 'sysinfo', run: (ctx) => runPushed(ctx, settings) }
        : {
            check: 'sysinfo',
            host: urlHost(installation),
            port: urlPort(installation),
            run: (ctx) => runPull(ctx, settings),
          },
    ];
  },
};

function judgeSettings(ctx: ProbeContext, s: SysinfoSettings): JudgeSettings {
  return {
    source: s.source,
    maxAgeMs: s.max_age,
    operupMaxAgeMs: s.operup_max_age,
    timezone: ctx.installation.timezone ?? ctx.config.checker.timezone,
  };
}

/** The facts the last run kept, when they are of this schema version. */
function previousFacts(ctx: ProbeContext): SysinfoFacts | undefined {
  const prev = ctx.previous?.('sysinfo')?.facts;
  if (!prev) return undefined;
  const parsed = sysinfoFactsSchema.safeParse(prev);
  return parsed.success ? parsed.data : undefined;
}

/** When the last good report was made, as far as the status data remembers. */
function lastReportMs(ctx: ProbeContext, facts: SysinfoFacts | undefined): number | undefined {
  const at = facts?.report_at ?? facts?.fetched_at;
  if (at) return Date.parse(at);
  const ev = ctx.previous?.('sysinfo')?.evidence;
  const remembered = typeof ev?.last_report_at === 'string' ? Date.parse(ev.last_report_at) : Number.NaN;
  if (!Number.isNaN(remembered)) return remembered;
  // Never had a report: count from when the check first went without one.
  const since = typeof ev?.no_report_since === 'string' ? Date.parse(ev.no_report_since) : Number.NaN;
  return Number.isNaN(since) ? undefined : since;
}

async function runPull(ctx: ProbeContext, s: SysinfoSettings): Promise<ProbeResult> {
  const start = performance.now();
  const kept = previousFacts(ctx);
  const now = ctx.now();
  if (
    kept &&
    s.every > 0 &&
    now.getTime() - Date.parse(kept.fetched_at) < s.every &&
    !(await usbDisagrees(ctx, kept))
  )
    return fromFacts(ctx, s, kept, since(start), { reused: true });
  const url = httpTarget(ctx.installation, s.path);
  let body: Buffer;
  try {
    const res = await httpGet({
      url,
      method: s.method,
      ...(s.method === 'POST' ? { form: { type: s.type } } : {}),
      lookup: ctx.lookup,
      policy: ctx.policy,
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
      maxBody: s.max_bytes,
      readBody: true,
      accept: [200],
      maxRedirects: 5,
      ca: ctx.ca,
      secureContext: ctx.secureContext,
      pool: ctx.httpPool,
    });
    if (res.status !== 200)
      return noReport(
        ctx,
        s,
        kept,
        since(start),
        'HTTP_STATUS',
        `сервер ответил на запрос отчёта кодом ${res.status}`,
        {
          url: res.url,
          http_status: res.status,
        },
      );
    body = res.body ?? Buffer.alloc(0);
  } catch (err) {
    const e = toProbeError(err, 'exchange', ctx.signal.aborted);
    return noReport(ctx, s, kept, since(start), e.code, `отчёт не получен: ${lower(e.message)}`, {
      url,
      ...e.evidence,
    });
  }
  return parseAndJudge(ctx, s, body, now, start, kept, { url, bytes: body.length });
}

async function parseAndJudge(
  ctx: ProbeContext,
  s: SysinfoSettings,
  body: Uint8Array,
  fetchedAt: Date,
  start: number,
  kept: SysinfoFacts | undefined,
  evidence: Record<string, string | number>,
): Promise<ProbeResult> {
  if (!ctx.reports)
    return unknown(since(start), 'INTERNAL', 'Разбор отчётов sysinfo в этом запуске недоступен.', evidence);
  const reply = await ctx.reports.parse(
    {
      bytes: body,
      profile: resolveProfile(s.mapping),
      limits: {},
      fetchedAt: fetchedAt.toISOString(),
      timezone: ctx.installation.timezone ?? ctx.config.checker.timezone,
    },
    ctx.signal,
  );
  if (!reply.ok)
    return noReport(
      ctx,
      s,
      kept,
      since(start),
      reply.code,
      lower(reply.message.replace(/\.$/, '')),
      {
        ...evidence,
        error: reply.detail,
      },
      reply.message,
    );
  return fromFacts(ctx, s, reply.facts, since(start), {
    root: reply.root,
    elements: reply.elements,
    ...evidence,
  });
}

/** A result from facts (fresh or kept): the check's own status follows the key; findings carry the rest. */
export function fromFacts(
  ctx: Pick<ProbeContext, 'now' | 'installation' | 'config'>,
  s: SysinfoSettings,
  facts: SysinfoFacts,
  latencyMs: number,
  extra: Record<string, string | number | boolean> = {},
): ProbeResult {
  const findings = judgeFacts(facts, judgeSettings(ctx as ProbeContext, s), ctx.now());
  const evidence = {
    ...extra,
    profile: facts.profile,
    ...(facts.report_at ? { report_at: facts.report_at } : {}),
    fetched_at: facts.fetched_at,
    ...(facts.key.value !== undefined ? { key_value: facts.key.value } : {}),
  };
  const stale = findings.find((f) => f.alert === 'SmartXMLfileIsToOld' && f.status === 'fail');
  const base = { facts, findings, evidence };
  if (facts.key.state === 'missing')
    return {
      ...fail(latencyMs, 'KEY_MISSING', 'По данным отчёта sysinfo ключ SenseLock не работает.'),
      ...base,
    };
  if (stale) return { ...unknown(latencyMs, 'REPORT_STALE', stale.message), ...base };
  if (facts.key.state === 'unknown')
    return {
      ...unknown(
        latencyMs,
        'KEY_UNKNOWN',
        `Отчёт sysinfo прочитан, но ${facts.key.reason ?? 'состояние ключа неизвестно'}.`,
      ),
      ...base,
    };
  const when = facts.report_at ?? facts.fetched_at;
  return {
    ...ok(
      latencyMs,
      `Отчёт sysinfo от ${ageText(ctx.now().getTime() - Date.parse(when))} назад: ключ SenseLock работает.`,
    ),
    ...base,
  };
}

function noReport(
  ctx: ProbeContext,
  s: SysinfoSettings,
  kept: SysinfoFacts | undefined,
  latencyMs: number,
  code: ProbeCode | string,
  why: string,
  evidence: Record<string, string | number | boolean | null>,
  message?: string,
): ProbeResult {
  const now = ctx.now();
  const last = lastReportMs(ctx, kept);
  const findings: Finding[] = judgeNoReport(last, judgeSettings(ctx, s), now, why);
  const prev = ctx.previous?.('sysinfo');
  const memory: Record<string, string> =
    kept?.report_at || kept?.fetched_at || typeof prev?.evidence?.last_report_at === 'string'
      ? { last_report_at: new Date(last!).toISOString() }
      : { no_report_since: new Date(last ?? now.getTime()).toISOString() };
  const text = message ?? `Отчёт sysinfo недоступен: ${why}.`;
  return { ...unknown(latencyMs, code as ProbeCode, text, { ...evidence, ...memory }), findings };
}

async function runPushed(ctx: ProbeContext, s: SysinfoSettings): Promise<ProbeResult> {
  const start = performance.now();
  const kept = previousFacts(ctx);
  let text: string | undefined;
  try {
    text = await ctx.readAgentReport(ctx.client.id, ctx.installation.id, MAX_AGENT_REPORT);
  } catch (err) {
    // Refused by its size before it was read (issue 16): the same verdict as an oversized text.
    if (err instanceof FileTooLargeError)
      return noReport(ctx, s, kept, since(start), 'AGENT_INVALID', 'отчёт агента слишком большой', {
        bytes: err.bytes,
      });
    return noReport(ctx, s, kept, since(start), 'INTERNAL', 'отчёт агента не прочитан из хранилища', {
      error: String((err as Error).message).slice(0, 200),
    });
  }
  if (text === undefined)
    return noReport(
      ctx,
      s,
      kept,
      since(start),
      'AGENT_MISSING',
      'агент на сервере ещё не присылал отчётов',
      {},
    );
  if (Buffer.byteLength(text) > MAX_AGENT_REPORT)
    return noReport(ctx, s, kept, since(start), 'AGENT_INVALID', 'отчёт агента слишком большой', {});
  let facts: SysinfoFacts | undefined;
  try {
    const report = agentReportSchema.safeParse(JSON.parse(text));
    if (
      report.success &&
      report.data.client === ctx.client.id &&
      report.data.installation === ctx.installation.id
    )
      facts = report.data.sysinfo;
    else if (!report.success)
      return noReport(
        ctx,
        s,
        kept,
        since(start),
        'AGENT_INVALID',
        'отчёт агента не соответствует формату',
        {},
      );
    else
      return noReport(
        ctx,
        s,
        kept,
        since(start),
        'AGENT_INVALID',
        'отчёт агента относится к другой установке',
        {},
      );
  } catch {
    return noReport(ctx, s, kept, since(start), 'AGENT_INVALID', 'отчёт агента повреждён (не JSON)', {});
  }
  if (!facts) {
    const local = (JSON.parse(text) as { local?: { sysinfo?: { message?: string } } }).local?.sysinfo
      ?.message;
    return noReport(
      ctx,
      s,
      kept,
      since(start),
      'REPORT_INVALID',
      local
        ? `агент не смог прочитать отчёт на сервере: ${lower(local.replace(/\.$/, ''))}`
        : 'в отчёте агента нет сведений sysinfo',
      {},
    );
  }
  return fromFacts(ctx, s, facts, since(start), { source: 'agent' });
}

/**
 * True when the on-prem agent no longer sees the key on USB while the kept report says it works: then the
 * report is asked for again at once instead of at the next `every` (case 1: the key vanishes at 21:00 and
 * the manager hears of it in this run, not an hour later).
 */
async function usbDisagrees(ctx: ProbeContext, kept: SysinfoFacts): Promise<boolean> {
  if (!ctx.installation.probes.agent || kept.key.state !== 'ok') return false;
  try {
    const text = await ctx.readAgentReport(ctx.client.id, ctx.installation.id, MAX_AGENT_REPORT);
    if (text === undefined || Buffer.byteLength(text) > MAX_AGENT_REPORT) return false;
    const report = agentReportSchema.safeParse(JSON.parse(text));
    return report.success && report.data.usb.status === 'absent';
  } catch {
    return false;
  }
}

function lower(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}
