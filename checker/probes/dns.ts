import type { Probes } from '../config/schema.ts';
import type { Probe, ProbeContext } from './context.ts';
import { urlHost } from './context.ts';
import { queryResolver } from './names.ts';
import { fail, ok, ProbeError, since } from './result.ts';
import type { ProbeResult } from './types.ts';

type DnsSettings = NonNullable<Probes['dns']>;

const RCODE: Record<string, string> = {
  DNS_NXDOMAIN: 'NXDOMAIN',
  DNS_SERVFAIL: 'SERVFAIL',
  DNS_REFUSED: 'REFUSED',
  DNS_TIMEOUT: 'timeout',
  DNS_NODATA: 'NOERROR (no data)',
};

/**
 * Resolves the installation's domain through every configured resolver: checker.resolvers, the hosting's
 * resolvers and the probe's own. Fails when any of them fails, with that resolver's rcode.
 */
export const dnsProbe: Probe<'dns'> = {
  type: 'dns',
  plan(_installation, settings) {
    return [{ check: 'dns', run: (ctx) => runDns(ctx, settings) }];
  },
};

/** The resolvers the dns probe asks for one installation, without duplicates. */
export function dnsResolversFor(
  ctx: Pick<ProbeContext, 'config' | 'installation'>,
  settings: DnsSettings,
): string[] {
  const hosting = ctx.installation.hosting ? ctx.config.hostings[ctx.installation.hosting] : undefined;
  return [
    ...new Set([
      ...ctx.config.checker.resolvers,
      ...(hosting?.resolvers ?? []),
      ...(settings.resolvers ?? []),
    ]),
  ];
}

async function runDns(ctx: ProbeContext, settings: DnsSettings): Promise<ProbeResult> {
  const start = performance.now();
  const host = urlHost(ctx.installation);
  const resolvers = dnsResolversFor(ctx, settings);
  const answers = await Promise.all(
    resolvers.map(async (resolver) => {
      try {
        const addresses = await queryResolver(resolver, host, settings.type, ctx.timeoutMs, ctx.signal);
        return { resolver, addresses, error: undefined };
      } catch (err) {
        const e = err instanceof ProbeError ? err : new ProbeError('DNS_ERROR', 'Ошибка DNS.');
        return { resolver, addresses: [] as string[], error: e };
      }
    }),
  );
  const evidence: Record<string, string> = { name: host, type: settings.type };
  answers.forEach((a, i) => {
    evidence[`resolver_${i + 1}`] = a.error
      ? `${a.resolver} ${RCODE[a.error.code] ?? a.error.code}`
      : `${a.resolver} NOERROR ${a.addresses.join(' ')}`;
  });
  const failed = answers.filter((a) => a.error);
  const firstFailed = failed[0]?.error;
  if (firstFailed) {
    const of = resolvers.length > 1 ? ` Ошибка у ${failed.length} из ${resolvers.length} DNS-серверов.` : '';
    return fail(
      since(start),
      firstFailed.code,
      `Имя установки не разрешается. ${firstFailed.message}${of}`,
      evidence,
    );
  }
  return ok(since(start), 'Имя установки разрешается в адрес.', evidence);
}
