import type { Probe, ProbeContext } from './context.ts';
import { urlHost } from './context.ts';
import { toProbeError } from './net-errors.ts';
import { isSafePingTarget } from './ping-system.ts';
import { fail, ok, since, unknown } from './result.ts';
import type { ProbeResult } from './types.ts';

/**
 * Pings `host` (resolved through the checker's resolvers) with the system ping. `subject` names the target
 * in the messages («Сервер», «Менеджер лицензий»).
 */
export async function pingHost(
  ctx: ProbeContext,
  host: string,
  count: number,
  subject = 'Сервер',
): Promise<ProbeResult> {
  const start = performance.now();
  if (!ctx.icmpAvailable)
    return unknown(0, 'ICMP_UNAVAILABLE', 'Ping недоступен с этого места проверки; результат неизвестен.');
  if (!isSafePingTarget(host))
    return fail(0, 'BAD_TARGET', 'Недопустимый адрес для ping.', { host: host.slice(0, 100) });
  let address: string;
  try {
    const [first] = await ctx.lookup(host, ctx.signal);
    if (!first) throw new Error('no address');
    address = first.address;
  } catch (err) {
    const e = toProbeError(err, 'resolve', ctx.signal.aborted);
    return fail(since(start), e.code, e.message, { host, ...e.evidence });
  }
  try {
    const r = await ctx.ping(address, { count, timeoutMs: ctx.timeoutMs });
    const evidence = {
      host,
      address,
      loss_percent: r.lossPercent ?? null,
      ...(r.timeMs !== undefined && { rtt_ms: r.timeMs }),
    };
    if (!r.alive)
      return fail(
        since(start),
        'ICMP_LOSS',
        `${subject} не отвечает на ping: все пакеты потеряны.`,
        evidence,
      );
    return ok(since(start), `${subject} отвечает на ping.`, evidence);
  } catch (err) {
    return unknown(since(start), 'ICMP_UNAVAILABLE', 'Не удалось запустить ping.', {
      error: String((err as Error).message).slice(0, 200),
    });
  }
}

/** ICMP echo through the system ping to the installation's ip (else its domain, resolved by the checker). */
export const icmpProbe: Probe<'icmp'> = {
  type: 'icmp',
  plan(installation, settings) {
    const host = settings.host ?? installation.ip ?? urlHost(installation);
    return [{ check: 'icmp', host, run: (ctx) => pingHost(ctx, host, settings.count) }];
  },
};
