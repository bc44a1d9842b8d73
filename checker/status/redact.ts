/**
 * What the status data may hold (docs/decisions.md, «What the status branch may hold»): the branch is
 * treated as public, so it carries codes, numbers, dates, ids and the Russian texts the site shows — never
 * an installation's address, URL or host name, the agent's host name, internal notes or manager contacts.
 *
 * - Check evidence is redacted before it is stored: keys that exist to carry an address are dropped, and
 *   any address, URL, host name or configured private value inside the other strings becomes «[скрыто]».
 * - Messages waiting in the outbox are sealed: each private value of the configuration (and every e-mail
 *   address in it) is replaced by a token naming where it comes from (`⟦acme/main:ip⟧`), and revealed from
 *   the configuration only when the message is sent (check-run wraps the Telegram and mail clients).
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Config } from '../config/schema.ts';

/** What a redacted part of an evidence string becomes. */
export const HIDDEN = '[скрыто]';

/** Evidence keys whose value is an address, URL or host name by design: never stored. */
const ADDRESS_KEYS = new Set([
  'url',
  'address',
  'host',
  'hostname',
  'location',
  'last',
  'canary',
  'resolver',
  'san',
  'subject',
]);

const URL_RE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;
const IPV4_RE = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/g;
/** Host names: labels joined by dots, ending in a label that starts with a letter (not a version or a time). */
const HOST_RE = /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}\b/gi;
/** Candidate IPv6 literals (checked with isIP, so 0471:485d or 03:00:00 stay). */
const IPV6_RE = /\[?[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%\w+)?\]?/gi;

/** The strings of the configuration that are private: installations' url, host, ip, notes; managers. */
export function privateValues(config: Config): string[] {
  const out = new Set<string>();
  for (const client of config.clients) {
    for (const v of [
      client.manager?.name,
      client.manager?.telegram,
      client.manager?.email,
      client.manager?.phone,
    ])
      if (v) out.add(v);
    for (const inst of client.installations) {
      for (const [, value] of installationSecrets(inst)) out.add(value);
    }
  }
  return [...out].filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
}

type Inst = Config['clients'][number]['installations'][number];

/** The private values of one installation, by name, longest-first where one contains another. */
function installationSecrets(inst: Inst): [string, string][] {
  const out: [string, string][] = [];
  try {
    const u = new URL(inst.url);
    out.push(['url', inst.url], ['origin', u.origin], ['host', u.host], ['hostname', u.hostname]);
  } catch {}
  if (inst.ip) out.push(['ip', inst.ip]);
  if (inst.notes) out.push(['notes', inst.notes]);
  for (const [name, settings] of Object.entries(inst.probes)) {
    const host = settings && typeof settings === 'object' && 'host' in settings ? settings.host : undefined;
    if (typeof host === 'string' && host) out.push([`${name}.host`, host]);
  }
  return out;
}

/**
 * The private values indexed by their first three characters (values shorter than that are always tried),
 * so a text is compared only with the values that can occur in it: for 1,000 installations the list holds
 * ~5,000 values and a run redacts ~10,000 evidence strings, which took seconds value by value.
 */
interface PrivateIndex {
  byPrefix: Map<string, number[]>;
  short: number[];
}
const indexes = new WeakMap<readonly string[], PrivateIndex>();

function indexOf(privates: readonly string[]): PrivateIndex {
  let index = indexes.get(privates);
  if (!index) {
    index = { byPrefix: new Map(), short: [] };
    privates.forEach((p, i) => {
      if (p.length < 3) index!.short.push(i);
      else {
        const key = p.slice(0, 3);
        const list = index!.byPrefix.get(key);
        if (list) list.push(i);
        else index!.byPrefix.set(key, [i]);
      }
    });
    indexes.set(privates, index);
  }
  return index;
}

/** Positions in `privates` (ascending, after `after`) of the values whose first three characters occur in `text`. */
function candidates(text: string, index: PrivateIndex, after: number): number[] {
  const found = new Set<number>();
  for (const i of index.short) if (i > after) found.add(i);
  for (let j = 0; j + 3 <= text.length; j++) {
    const list = index.byPrefix.get(text.slice(j, j + 3));
    if (list) for (const i of list) if (i > after) found.add(i);
  }
  return [...found].sort((a, b) => a - b);
}

/** An evidence string with every address, URL, host name and private value replaced by HIDDEN. */
export function redactText(text: string, privates: readonly string[]): string {
  let out = text;
  // The values in their order (longest first), each over the text as the ones before it left it; only
  // the values that can occur are tried, and after a replacement the candidates are looked up again.
  const index = indexOf(privates);
  let next = candidates(out, index, -1);
  for (let c = 0; c < next.length; c++) {
    const i = next[c]!;
    const p = privates[i]!;
    if (!out.includes(p)) continue;
    out = out.split(p).join(HIDDEN);
    next = candidates(out, index, i);
    c = -1;
  }
  out = out.replace(URL_RE, HIDDEN).replace(IPV4_RE, HIDDEN);
  out = out.replace(IPV6_RE, (m) => (isIP(m.replace(/^\[|\]$/g, '').replace(/%\w+$/, '')) ? HIDDEN : m));
  return out.replace(HOST_RE, HIDDEN);
}

/** Evidence as it may be stored: address keys dropped, strings redacted, numbers and booleans kept. */
export function redactEvidence(
  evidence: Record<string, string | number | boolean | null>,
  privates: readonly string[],
): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(evidence)) {
    if (ADDRESS_KEYS.has(key)) continue;
    if (typeof value !== 'string') {
      out[key] = value;
      continue;
    }
    const clean = redactText(value, privates);
    if (clean.replace(new RegExp(HIDDEN.replace(/[[\]]/g, '\\$&'), 'g'), '').trim() !== '') out[key] = clean;
  }
  return out;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Tokens and the values they stand for, longest value first (so a URL is sealed before its host). */
function tokens(config: Config): [token: string, value: string][] {
  const out: [string, string][] = [];
  for (const client of config.clients) {
    const m = client.manager;
    const managerValues: [string, string | undefined][] = [
      ['manager.name', m?.name],
      ['manager.telegram', m?.telegram],
      ['manager.email', m?.email],
      ['manager.phone', m?.phone],
    ];
    for (const [name, value] of managerValues) if (value) out.push([`⟦${client.id}:${name}⟧`, value]);
    for (const inst of client.installations)
      for (const [name, value] of installationSecrets(inst)) {
        out.push([`⟦${client.id}/${inst.id}:${name}⟧`, value]);
        const html = escapeHtml(value);
        if (html !== value) out.push([`⟦${client.id}/${inst.id}:${name}:html⟧`, html]);
      }
  }
  // Every e-mail address the configuration holds (managers, administrators, distributors), by a short hash.
  for (const email of new Set(JSON.stringify(config).match(EMAIL_RE) ?? []))
    out.push([`⟦email:${createHash('sha256').update(email).digest('hex').slice(0, 12)}⟧`, email]);
  return out.filter(([, v]) => v.length >= 3).sort((a, b) => b[1].length - a[1].length);
}

const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Replaces the configuration's private values in an outbox text by tokens (see revealPrivate). */
export function sealPrivate(text: string, config: Config): string {
  let out = text;
  for (const [token, value] of tokens(config)) out = out.split(value).join(token);
  return out;
}

/** Puts the private values back into a sealed text; a token whose source left the configuration says so. */
export function revealPrivate(text: string, config: Config): string {
  if (!text.includes('⟦')) return text;
  const map = new Map(tokens(config));
  return text.replace(/⟦[^⟧\s]{1,200}⟧/g, (t) => map.get(t) ?? '(удалено из installations.yaml)');
}
