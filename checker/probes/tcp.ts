import { connect, type Socket } from 'node:net';
import type { CheckTask, Probe, ProbeContext } from './context.ts';
import { urlHost } from './context.ts';
import { messageFor, type Phase, toProbeError } from './net-errors.ts';
import { fail, ok, since } from './result.ts';
import type { ProbeResult } from './types.ts';

/** Opens a TCP connection to host:port (names through the checker's resolvers) and closes it. */
export async function tcpConnect(
  ctx: Pick<ProbeContext, 'lookup' | 'signal'>,
  host: string,
  port: number,
): Promise<ProbeResult> {
  const start = performance.now();
  let phase: Phase = 'resolve';
  let socket: Socket | undefined;
  try {
    const addresses = await ctx.lookup(host, ctx.signal);
    const first = addresses[0];
    if (!first) return fail(since(start), 'DNS_NODATA', messageFor('DNS_NODATA'), { host });
    phase = 'connect';
    await new Promise<void>((resolve, reject) => {
      if (ctx.signal.aborted) return reject(new Error('aborted'));
      socket = connect({ host: first.address, port });
      const onAbort = () => socket?.destroy(new Error('aborted'));
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        ctx.signal.removeEventListener('abort', onAbort);
        resolve();
      });
      socket.once('error', (err) => {
        ctx.signal.removeEventListener('abort', onAbort);
        reject(err);
      });
    });
    return ok(since(start), `Порт ${port} принимает соединения.`, { host, address: first.address, port });
  } catch (err) {
    const e = toProbeError(err, phase, ctx.signal.aborted);
    return fail(since(start), e.code, e.message, { host, port, ...e.evidence });
  } finally {
    socket?.destroy();
  }
}

/** TCP connect to one port of the installation (its ip, else its domain). */
export const tcpProbe: Probe<'tcp'> = {
  type: 'tcp',
  plan(installation, settings): CheckTask[] {
    const host = settings.host ?? installation.ip ?? urlHost(installation);
    return [{ check: 'tcp', host, port: settings.port, run: (ctx) => tcpConnect(ctx, host, settings.port) }];
  },
};
