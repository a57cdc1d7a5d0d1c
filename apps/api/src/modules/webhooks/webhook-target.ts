import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { isLocalhostName, literalAddress, nonPublicReason } from './webhook-address.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** How a host name becomes addresses; replaceable so tests can play a rebinding DNS server. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A webhook target that may not be contacted, and why (in words for the delivery log). */
export class RefusedTarget extends Error {
  constructor(
    readonly address: string,
    readonly reason: string,
  ) {
    super(`refused: ${address} is a ${reason} address (set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow non-public targets)`);
  }
}

/** Where to connect: a `lookup` for the request that answers only the checked addresses, or the system's. */
export interface Target {
  lookup?: LookupFunction;
  /** The checked addresses (empty: literal IP in the URL, or private networks allowed). */
  addresses: ResolvedAddress[];
}

/** Creation-time resolution may not hold up the request: unresolvable after this is let through. */
const CREATE_LOOKUP_MS = 3000;

/**
 * SSRF guard for webhook URLs. Off when WEBHOOK_ALLOW_PRIVATE_NETWORKS=true.
 *
 * At creation (`refusalAtCreate`) a literal non-public IP, a `localhost` name, or a name whose
 * every address is non-public is refused; a name that does not resolve yet is accepted (the
 * delivery check is the real guard). At delivery (`targetOrRefuse`) the name is resolved once,
 * non-public addresses are dropped (none left: refused), and the request connects through a
 * `lookup` that answers only those checked addresses, so a DNS answer that changes between the
 * check and the connection (rebinding) cannot redirect the request.
 */
export class WebhookTargetGuard {
  resolve: HostResolver = systemResolver;

  constructor(readonly allowPrivate: boolean) {}

  /** Null when the URL may be saved; otherwise the offending address and its range. */
  async refusalAtCreate(url: URL): Promise<RefusedTarget | null> {
    if (this.allowPrivate) return null;
    const literal = literalAddress(url.hostname);
    if (literal !== undefined) {
      const reason = nonPublicReason(literal);
      return reason ? new RefusedTarget(literal, reason) : null;
    }
    if (isLocalhostName(url.hostname)) return new RefusedTarget(url.hostname, 'loopback');
    let addresses: ResolvedAddress[];
    try {
      addresses = await withTimeout(this.resolve(url.hostname), CREATE_LOOKUP_MS);
    } catch {
      return null;
    }
    const refused = addresses.map((a) => ({ a, reason: nonPublicReason(a.address) }));
    if (refused.length && refused.every((r) => r.reason)) return new RefusedTarget(`${url.hostname} (${refused[0]!.a.address})`, refused[0]!.reason!);
    return null;
  }

  /** The connection target for one delivery; throws RefusedTarget, or the resolver's error (retried). */
  async targetOrRefuse(url: URL): Promise<Target> {
    if (this.allowPrivate) return { addresses: [] };
    const literal = literalAddress(url.hostname);
    if (literal !== undefined) {
      const reason = nonPublicReason(literal);
      if (reason) throw new RefusedTarget(literal, reason);
      return { addresses: [] };
    }
    if (isLocalhostName(url.hostname)) throw new RefusedTarget(url.hostname, 'loopback');
    const all = await this.resolve(url.hostname);
    const checked = all.filter((a) => nonPublicReason(a.address) === null);
    if (!checked.length) {
      const first = all[0];
      throw new RefusedTarget(first ? `${url.hostname} (${first.address})` : url.hostname, first ? nonPublicReason(first.address)! : 'unresolved');
    }
    return { addresses: checked, lookup: pinnedLookup(checked) };
  }
}

/** A `lookup` for http(s).request / net.connect that answers the given addresses and nothing else. */
export function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return ((_hostname: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (err: Error | null, address?: unknown, family?: number) => void;
    const opts = (typeof options === 'object' && options ? options : typeof options === 'number' ? { family: options } : {}) as { family?: number | string; all?: boolean };
    const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : opts.family;
    const list = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    process.nextTick(() => {
      if (!list.length) cb(Object.assign(new Error(`no IPv${family} address among the checked ones`), { code: 'ENOTFOUND' }));
      else if (opts.all) cb(null, list.map((a) => ({ address: a.address, family: a.family })));
      else cb(null, list[0]!.address, list[0]!.family);
    });
  }) as LookupFunction;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('lookup timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
