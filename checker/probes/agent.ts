import { FileTooLargeError } from '../status/limits.ts';
import { type AgentReport, agentReportSchema } from '../status/schema.ts';
import type { Probe, ProbeContext } from './context.ts';
import { fail, ok, since, unknown } from './result.ts';
import type { ProbeResult } from './types.ts';

/** Reports bigger than this are refused unread: a real one is a few hundred bytes, a few KiB with sysinfo facts. */
export const MAX_AGENT_REPORT = 320 * 1024;
/** A clock skew the agent may have; a report further in the future than this is invalid. */
const FUTURE_SKEW_MS = 5 * 60_000;

/** Reads the on-prem agent's report from the status data: fresh or stale, and where the USB key is. */
export const agentProbe: Probe<'agent'> = {
  type: 'agent',
  plan(_installation, settings) {
    return [{ check: 'agent', run: (ctx) => readAgent(ctx, settings.max_age) }];
  },
};

async function readAgent(ctx: ProbeContext, maxAgeMs: number): Promise<ProbeResult> {
  const start = performance.now();
  const { client, installation } = ctx;
  let text: string | undefined;
  try {
    text = await ctx.readAgentReport(client.id, installation.id, MAX_AGENT_REPORT);
  } catch (err) {
    // A report that cannot be read tells as little as no report: the agent is silent (KodeksAgentSilent).
    if (err instanceof FileTooLargeError)
      return fail(since(start), 'AGENT_INVALID', 'Отчёт агента слишком большой и не прочитан.', {
        bytes: err.bytes,
        max_bytes: err.maxBytes,
      });
    return fail(since(start), 'AGENT_INVALID', 'Отчёт агента не удалось прочитать.', {
      error: String((err as Error).message).slice(0, 200),
    });
  }
  if (text === undefined)
    return fail(since(start), 'AGENT_MISSING', 'Агент на сервере ещё не присылал отчётов.');
  return judgeAgentReport(text, client.id, installation.id, maxAgeMs, ctx.now(), since(start));
}

/** Judges the raw text of one agent report (pure). */
export function judgeAgentReport(
  text: string,
  client: string,
  installation: string,
  maxAgeMs: number,
  now: Date,
  latencyMs = 0,
): ProbeResult {
  if (Buffer.byteLength(text) > MAX_AGENT_REPORT)
    return fail(latencyMs, 'AGENT_INVALID', 'Отчёт агента слишком большой и не принят.', {
      bytes: Buffer.byteLength(text),
    });
  let report: AgentReport;
  try {
    const parsed = agentReportSchema.safeParse(JSON.parse(text));
    if (!parsed.success)
      return fail(latencyMs, 'AGENT_INVALID', 'Отчёт агента не соответствует формату.', {
        error: parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; '),
      });
    report = parsed.data;
  } catch {
    return fail(latencyMs, 'AGENT_INVALID', 'Отчёт агента повреждён (не JSON).');
  }
  if (report.client !== client || report.installation !== installation)
    return fail(latencyMs, 'AGENT_INVALID', 'Отчёт агента относится к другой установке.', {
      report_for: `${report.client}/${report.installation}`,
    });
  const reportedAt = Date.parse(report.reported_at);
  const ageMs = now.getTime() - reportedAt;
  const evidence: Record<string, string | number | boolean | null> = {
    reported_at: new Date(reportedAt).toISOString(),
    age_s: Math.round(ageMs / 1000),
    agent_version: report.agent_version,
    usb: report.usb.status,
    ...(report.hostname && { hostname: report.hostname }),
    ...(report.usb.reason && { usb_reason: report.usb.reason }),
  };
  report.usb.devices.slice(0, 8).forEach((d, i) => {
    evidence[`usb_device_${i + 1}`] =
      `${d.id}${d.matched ? ' (ключ)' : ''} ${[d.manufacturer, d.product].filter(Boolean).join(' ')}`.trim();
  });
  if (ageMs < -FUTURE_SKEW_MS)
    return fail(
      latencyMs,
      'AGENT_INVALID',
      'Время отчёта агента в будущем: проверьте часы на сервере.',
      evidence,
    );
  if (ageMs > maxAgeMs)
    return fail(
      latencyMs,
      'AGENT_STALE',
      `Агент молчит: последний отчёт ${Math.round(ageMs / 60_000)} мин назад.`,
      evidence,
    );
  switch (report.usb.status) {
    case 'absent':
      return fail(
        latencyMs,
        'USB_KEY_ABSENT',
        'Агент не видит ключ SenseLock среди USB-устройств сервера.',
        evidence,
      );
    case 'unavailable':
      return unknown(
        latencyMs,
        'USB_UNAVAILABLE',
        'Агент не может просмотреть USB-устройства сервера.',
        evidence,
      );
    default:
      return ok(latencyMs, 'Агент на связи, ключ SenseLock подключён к USB.', evidence);
  }
}
