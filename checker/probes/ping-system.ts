import { isIP } from 'node:net';
import ping from 'ping';
import type { PingFn, PingReply } from './context.ts';

/** A host that is safe to hand to the system ping: an IP address or a DNS name, never an option. */
export function isSafePingTarget(host: string): boolean {
  if (isIP(host) !== 0) return true;
  return /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(host);
}

/**
 * The system ping through the `ping` package: `count` echoes 0.2 s apart, each reply awaited at most 1 s,
 * the whole process bounded by ping's own deadline (-w) derived from `timeoutMs`.
 * Rejects when the ping binary cannot be run.
 */
export const systemPing: PingFn = async (host, { count, timeoutMs }) => {
  if (!isSafePingTarget(host)) throw new Error(`unsafe ping target ${JSON.stringify(host)}`);
  const deadline = Math.max(1, Math.floor(timeoutMs / 1000));
  const res = await ping.promise.probe(host, {
    numeric: true,
    timeout: 1,
    deadline,
    min_reply: count,
    extra: ['-i', '0.2'],
  });
  const reply: PingReply = { alive: res.alive, output: String(res.output ?? '').slice(0, 2000) };
  const avg = Number(res.avg);
  if (Number.isFinite(avg)) reply.timeMs = avg;
  const loss = Number(res.packetLoss);
  if (Number.isFinite(loss)) reply.lossPercent = loss;
  return reply;
};

/**
 * Whether ICMP works from here at all: pings 127.0.0.1 once. Returns undefined when it does, or an operator
 * reason (binary missing, not permitted) when it does not.
 */
export async function icmpUnavailableReason(pingFn: PingFn): Promise<string | undefined> {
  try {
    const r = await pingFn('127.0.0.1', { count: 1, timeoutMs: 2000 });
    if (r.alive) return undefined;
    if (/not permitted|permission denied/i.test(r.output)) return 'ping запрещён (нет прав на ICMP)';
    return 'ping не получил ответа даже от 127.0.0.1';
  } catch {
    return 'программа ping не найдена или не запускается';
  }
}
