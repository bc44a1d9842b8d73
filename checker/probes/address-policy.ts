/**
 * The address policy: which addresses a probe may connect to. A monitored server must not be able to make
 * the checker send requests into the operator's own network (SSRF) — by a redirect, by a DNS answer, or by
 * any spelling of an address (`2130706441`, `0x7f.1`, `[::ffff:127.0.0.9]`; URL parsing and ipaddr.js
 * normalise them all). Internal addresses — loopback, private, link-local, cloud metadata, CGNAT, unique
 * local, multicast, unspecified, broadcast, reserved — are refused unless the installation itself lives
 * there: its `ip`, an address its URL or a probe's `host` names literally, or a range in `allow`
 * (installation and `checker.allow`). Canaries are the operator's own targets and use `OPEN_POLICY`.
 *
 * Use: every probe gets `ctx.policy` and a `ctx.lookup` that already applies it; `httpGet` takes the policy
 * and checks each redirect target; the HTTP pool's connector filters every address it is about to dial.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { type Config, type Installation, isAddressRange } from '../config/schema.ts';
import type { Address, NameLookup } from './names.ts';
import { ProbeError } from './result.ts';

/** Why an address is internal: ipaddr.js's range name, or `metadata` for the cloud metadata services. */
export type InternalRange = string;

/** Decides, for one installation, which addresses probes may connect to. */
export interface AddressPolicy {
  /** The internal range `address` lies in when the checker must not connect to it; undefined when it may. */
  refuses(address: string): InternalRange | undefined;
  /** Identifies the policy (equal policies share pooled connections). */
  readonly key: string;
}

/** Cloud metadata endpoints (AWS/GCP/Azure/OpenStack, Alibaba, AWS IPv6, Oracle). */
const METADATA = new Set(['169.254.169.254', '100.100.100.200', 'fd00:ec2::254', '192.0.0.192']);

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

/** Parses any spelling ipaddr.js knows, IPv4-mapped IPv6 turned into IPv4; undefined when not an address. */
function parse(address: string): Parsed | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return undefined;
  const a = ipaddr.parse(bare);
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()
    ? (a as ipaddr.IPv6).toIPv4Address()
    : a;
}

/** The IPv4 address carried inside NAT64 (64:ff9b::/96), IPv4-translated and 6to4 addresses. */
function embeddedV4(a: ipaddr.IPv6, range: string): ipaddr.IPv4 | undefined {
  const b = a.toByteArray();
  if (range === 'rfc6052' || range === 'rfc6145') return new ipaddr.IPv4(b.slice(12, 16));
  if (range === '6to4') return new ipaddr.IPv4(b.slice(2, 6));
  return undefined;
}

/**
 * The internal range an address lies in, or undefined for a public unicast address. Anything that is not
 * an address at all counts as internal (`invalid`): the policy never guesses in favour of connecting.
 */
export function internalRange(address: string): InternalRange | undefined {
  const a = parse(address);
  if (!a) return 'invalid';
  if (METADATA.has(a.toNormalizedString()) || METADATA.has(a.toString())) return 'metadata';
  const range = a.range();
  if (range === 'unicast') return undefined;
  if (a.kind() === 'ipv6') {
    const inner = embeddedV4(a as ipaddr.IPv6, range);
    if (inner) return internalRange(inner.toString());
  }
  return range;
}

/** An `allow` entry as [address, prefix], IPv4-mapped ranges turned into IPv4. */
function toRange(entry: string): [Parsed, number] | undefined {
  if (!isAddressRange(entry)) return undefined;
  const [addr = '', bits] = entry.split('/');
  const raw = ipaddr.parse(addr);
  const full = raw.kind() === 'ipv4' ? 32 : 128;
  const prefix = bits === undefined ? full : Number(bits);
  if (raw.kind() === 'ipv6' && (raw as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96)
    return [(raw as ipaddr.IPv6).toIPv4Address(), prefix - 96];
  return [raw, prefix];
}

/** A policy allowing the internal addresses `own` (exactly) and the ranges `allow`. */
export function createAddressPolicy(opts: {
  own: readonly string[];
  allow: readonly string[];
}): AddressPolicy {
  const ranges: [Parsed, number][] = [];
  for (const a of opts.own) {
    const p = parse(a);
    if (p) ranges.push([p, p.kind() === 'ipv4' ? 32 : 128]);
  }
  for (const entry of opts.allow) {
    const r = toRange(entry);
    if (r) ranges.push(r);
  }
  const key = ranges
    .map(([a, bits]) => `${a.toNormalizedString()}/${bits}`)
    .sort()
    .join(',');
  return {
    key,
    refuses(address) {
      const range = internalRange(address);
      if (range === undefined) return undefined;
      const a = parse(address);
      if (a && ranges.some(([r, bits]) => r.kind() === a.kind() && a.match(r, bits))) return undefined;
      return range;
    },
  };
}

/** The policy of the operator's own targets (canaries): nothing is refused. */
export const OPEN_POLICY: AddressPolicy = { key: '*', refuses: () => undefined };

/** Addresses an installation names itself: its ip, a literal address in its URL, any probe's literal `host`. */
export function ownAddresses(installation: Installation): string[] {
  const out: string[] = [];
  if (installation.ip) out.push(installation.ip);
  const urlHost = new URL(installation.url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(urlHost)) out.push(urlHost);
  for (const settings of Object.values(installation.probes)) {
    const host = settings && typeof settings === 'object' && 'host' in settings ? settings.host : undefined;
    if (typeof host === 'string' && isIP(host.replace(/^\[|\]$/g, '')))
      out.push(host.replace(/^\[|\]$/g, ''));
  }
  return out;
}

/** The policy of one installation: its own addresses plus `allow` of the installation and of the checker. */
export function installationPolicy(config: Config, installation: Installation): AddressPolicy {
  return createAddressPolicy({
    own: ownAddresses(installation),
    allow: [...config.checker.allow, ...(installation.allow ?? [])],
  });
}

/** How the refused address was reached: it decides the wording of the failed check. */
export type RefusalKind = 'name' | 'address' | 'redirect-name' | 'redirect-address';

const RANGE_WORDS: Record<string, string> = {
  loopback: 'локальный адрес (loopback)',
  private: 'адрес частной сети',
  linkLocal: 'адрес link-local',
  metadata: 'адрес службы метаданных облака',
  carrierGradeNat: 'адрес сети оператора (CGNAT)',
  uniqueLocal: 'адрес частной сети IPv6',
  multicast: 'групповой адрес (multicast)',
  unspecified: 'неопределённый адрес',
  broadcast: 'широковещательный адрес',
};

/** The failed check's error: Russian, without the address itself; evidence names only the range. */
export function refusal(range: InternalRange, kind: RefusalKind): ProbeError {
  const what = RANGE_WORDS[range] ?? 'служебный адрес';
  const rule = 'такие адреса проверяются, только если они указаны в ip или allow установки';
  const message = {
    'redirect-address': `Перенаправление на внутренний адрес запрещено (${what}).`,
    'redirect-name': `Перенаправление на имя, указывающее на внутренний адрес, запрещено (${what}).`,
    name: `Имя сервера указывает на внутренний адрес (${what}): ${rule}.`,
    address: `Внутренний адрес не проверяется (${what}): ${rule}.`,
  }[kind];
  return new ProbeError('ADDRESS_REFUSED', message, { refused: range });
}

/** Keeps the addresses the policy allows; throws ADDRESS_REFUSED when none is left. */
export function allowedAddresses(
  host: string,
  list: readonly Address[],
  policy: AddressPolicy,
  redirected = false,
): Address[] {
  const allowed = list.filter((a) => policy.refuses(a.address) === undefined);
  const first = list[0];
  if (allowed.length > 0 || !first) return allowed;
  const literal = isIP(host.replace(/^\[|\]$/g, '')) !== 0;
  const kind: RefusalKind = redirected
    ? literal
      ? 'redirect-address'
      : 'redirect-name'
    : literal
      ? 'address'
      : 'name';
  throw refusal(policy.refuses(first.address) ?? 'invalid', kind);
}

/** A lookup that applies `policy` to every answer (literal addresses included). */
export function guardLookup(lookup: NameLookup, policy: AddressPolicy): NameLookup {
  return async (host, signal) => allowedAddresses(host, await lookup(host, signal), policy);
}
