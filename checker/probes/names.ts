import { Resolver, lookup as systemLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { messageFor, toProbeError } from './net-errors.ts';
import { ProbeError } from './result.ts';

/** One resolved address. */
export interface Address {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to addresses through the checker's configured resolvers; throws ProbeError (DNS_*). */
export type NameLookup = (host: string, signal?: AbortSignal) => Promise<Address[]>;

/** Record types the dns probe may ask for. */
export type RecordType = 'A' | 'AAAA';

/**
 * Asks one resolver for one name. `resolver` is "system" (the OS resolver, getaddrinfo) or an address with an
 * optional port ("127.0.0.1:5353", "[::1]:53", "10.0.0.53"). Throws ProbeError with a DNS_* code.
 */
export async function queryResolver(
  resolver: string,
  host: string,
  type: RecordType,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const work = (async () => {
    try {
      if (resolver === 'system') {
        const found = await systemLookup(host, { all: true, family: type === 'A' ? 4 : 6 });
        if (found.length === 0) throw new ProbeError('DNS_NODATA', messageFor('DNS_NODATA'));
        return found.map((a) => a.address);
      }
      const c = channel(resolver, timeoutMs);
      return await c.limit(
        () => (type === 'A' ? c.resolver.resolve4(host) : c.resolver.resolve6(host)),
        signal,
      );
    } catch (err) {
      const e = toProbeError(err, 'resolve', signal?.aborted ?? false);
      e.evidence.resolver = resolver;
      throw e;
    }
  })();
  return raceSignal(work, signal, () => {
    const e = new ProbeError('DNS_TIMEOUT', messageFor('DNS_TIMEOUT'), { resolver });
    return e;
  });
}

/** Queries in flight to one DNS server at most: a burst of 1,000 would overflow its UDP receive buffer. */
export const MAX_DNS_IN_FLIGHT = 256;

interface Channel {
  resolver: Resolver;
  limit: <T>(work: () => Promise<T>, signal?: AbortSignal) => Promise<T>;
}

const channels = new Map<string, Channel>();

/**
 * One c-ares channel per resolver and timeout, reused by every query (creating one per query costs more CPU
 * than the query), with at most MAX_DNS_IN_FLIGHT queries outstanding. A query ends at its own timeout; the
 * caller's signal ends the wait earlier (and drops a query still waiting for its turn).
 */
function channel(server: string, timeoutMs: number): Channel {
  const key = `${server}|${timeoutMs}`;
  const known = channels.get(key);
  if (known) return known;
  const resolver = new Resolver({ timeout: Math.max(50, timeoutMs), tries: 1 });
  resolver.setServers([server]);
  let active = 0;
  const waiting: (() => void)[] = [];
  const limit = async <T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    if (active >= MAX_DNS_IN_FLIGHT) {
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    active++;
    try {
      if (signal?.aborted) throw new ProbeError('DNS_TIMEOUT', messageFor('DNS_TIMEOUT'));
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  const c = { resolver, limit };
  channels.set(key, c);
  return c;
}

/**
 * A NameLookup that asks `resolvers` in order: the first answer wins; NXDOMAIN from a server is final,
 * timeouts and SERVFAIL move on to the next resolver. Answers are cached for the lifetime of the lookup
 * (one run), so the http, tls and sysinfo checks of one installation resolve its name once.
 */
export function createNameLookup(resolvers: readonly string[], timeoutMs: number): NameLookup {
  const cache = new Map<string, Promise<Address[]>>();
  const resolve = async (host: string): Promise<Address[]> => {
    let last: ProbeError | undefined;
    for (const resolver of resolvers) {
      try {
        const v4 = await queryResolver(resolver, host, 'A', timeoutMs).catch((err: ProbeError) => {
          if (err.code !== 'DNS_NODATA') throw err;
          return [] as string[];
        });
        if (v4.length > 0) return v4.map((address) => ({ address, family: 4 as const }));
        const v6 = await queryResolver(resolver, host, 'AAAA', timeoutMs);
        return v6.map((address) => ({ address, family: 6 as const }));
      } catch (err) {
        last = err instanceof ProbeError ? err : toProbeError(err, 'resolve', false);
        if (last.code === 'DNS_NXDOMAIN' || last.code === 'DNS_NODATA') break;
      }
    }
    throw last ?? new ProbeError('DNS_ERROR', messageFor('DNS_ERROR'));
  };
  return (host, signal) => {
    const family = isIP(host);
    if (family !== 0) return Promise.resolve([{ address: host, family: family as 4 | 6 }]);
    const key = host.toLowerCase();
    let pending = cache.get(key);
    if (!pending) {
      pending = resolve(key);
      pending.catch(() => {});
      cache.set(key, pending);
    }
    return raceSignal(pending, signal, () => new ProbeError('DNS_TIMEOUT', messageFor('DNS_TIMEOUT')));
  };
}

/** Settles with `work`, or rejects with `onAbort()` as soon as `signal` aborts. */
export function raceSignal<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => Error,
): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}
