import type { X509Certificate } from 'node:crypto';
import type { SecureContext, TLSSocket } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { type AddressPolicy, allowedAddresses, OPEN_POLICY } from './address-policy.ts';
import type { Address, NameLookup } from './names.ts';
import { messageFor } from './net-errors.ts';
import { ProbeError } from './result.ts';

/**
 * The HTTP connections of one run. Requests by domain share one undici Agent whose connector resolves names
 * through the checker's resolvers (never another path); requests pinned to an installation's ip (http_ip) get
 * an Agent per pin. Within an Agent, requests to one origin reuse a kept-alive connection, so the http and
 * sysinfo checks of an installation pay for one TLS handshake, not two. Certificates are recorded by the
 * tls probe, not enforced here.
 */
export interface HttpPool {
  /**
   * The Agent for requests by name (no pin) or for requests of `pin.host` sent to `pin.address`, whose
   * connector dials only addresses `policy` allows (default: all, for the operator's own targets).
   */
  agent: (pin?: { host: string; address: string }, policy?: AddressPolicy) => Agent;
  /** The certificate seen on the first TLS connection by name to host:port in this run, if any. */
  peer: (host: string, port: number) => PeerInfo | undefined;
  /** Closes every connection; call once the run is over. */
  close: () => Promise<void>;
}

/** What a TLS connection of the pool saw of the server's certificate. */
export interface PeerInfo {
  cert: X509Certificate | undefined;
  /** OpenSSL's verdict on the chain (e.g. CERT_HAS_EXPIRED), undefined when it was trusted. */
  verifyError: string | undefined;
  address: string | undefined;
}

/** Creates the pool of one run. `timeoutMs` bounds connect (TCP + TLS) slightly below the check timeout. */
export function createHttpPool(opts: {
  lookup: NameLookup;
  timeoutMs: number;
  secureContext?: SecureContext;
  ca?: string[];
}): HttpPool {
  const agents = new Map<string, Agent>();
  const peers = new Map<string, PeerInfo>();
  const make = (pin: { host: string; address: string } | undefined, policy: AddressPolicy) => {
    const connect = buildConnector({
      rejectUnauthorized: false,
      ...(opts.secureContext ? { secureContext: opts.secureContext } : opts.ca && { ca: opts.ca }),
      // Leave the hard timeout (the run's abort) to decide TIMEOUT; connect failing first says CONN_TIMEOUT.
      timeout: Math.max(50, opts.timeoutMs - 100),
      // Node's net.connect calls this with { all: true } when autoSelectFamily is on.
      lookup: (hostname: string, options: { all?: boolean }, cb: (...a: unknown[]) => void) => {
        const pinned = pin && hostname.toLowerCase() === pin.host.toLowerCase() ? pin.address : undefined;
        const found = pinned
          ? Promise.resolve<Address[]>([{ address: pinned, family: pinned.includes(':') ? 6 : 4 }])
          : opts.lookup(hostname);
        found.then(
          (answer) => {
            let list: Address[];
            try {
              // Happy eyeballs may try every address of the answer: none that the policy refuses is dialled.
              list = allowedAddresses(hostname, answer, policy);
            } catch (err) {
              return cb(err);
            }
            const first = list[0];
            if (!first) return cb(new ProbeError('DNS_NODATA', messageFor('DNS_NODATA')));
            if (options.all) cb(null, list);
            else cb(null, first.address, first.family);
          },
          (err) => cb(err),
        );
      },
    } as buildConnector.BuildOptions);
    return new Agent({
      // Remember what the first TLS connection by name saw, so the tls check needs no handshake of its own.
      connect: (options, cb) =>
        connect(options, (err, socket) => {
          const key = `${options.hostname.toLowerCase()}:${options.port || (options.protocol === 'https:' ? 443 : 80)}`;
          if (!err && !pin && socket && 'getPeerX509Certificate' in socket && !peers.has(key)) {
            const tls = socket as TLSSocket;
            peers.set(key, {
              cert: tls.getPeerX509Certificate(),
              verifyError: tls.authorizationError ? String(tls.authorizationError) : undefined,
              address: tls.remoteAddress,
            });
          }
          if (err || !socket) cb(err ?? new Error('no socket'), null);
          else cb(null, socket);
        }),
      // One connection per origin: the http, sysinfo, metrics and tls checks of an installation share its handshake.
      connections: 1,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
  };
  return {
    agent(pin, policy = OPEN_POLICY) {
      const key = `${pin ? `${pin.host.toLowerCase()}>${pin.address}` : ''}|${policy.key}`;
      let a = agents.get(key);
      if (!a) {
        a = make(pin, policy);
        agents.set(key, a);
      }
      return a;
    },
    peer(host, port) {
      return peers.get(`${host.toLowerCase()}:${port}`);
    },
    async close() {
      const all = [...agents.values()];
      agents.clear();
      await Promise.all(all.map((a) => a.destroy().catch(() => {})));
    },
  };
}
