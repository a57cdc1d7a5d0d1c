import { isIP } from 'node:net';

/**
 * Which addresses a webhook may not target (SSRF guard): everything that is not a public
 * unicast address. `nonPublicReason(ip)` names the range, or returns null for a public address.
 *
 * Input is an address as the resolver returns it or as WHATWG URL normalises a host: URL turns
 * `0x7f.1`, `2130706433`, `017700000001` and `127.1` into `127.0.0.1`, and `[::ffff:127.0.0.1]`
 * into `[::ffff:7f00:1]`, so a literal can never hide its range behind another spelling once it
 * went through `new URL()`. IPv6 forms that embed an IPv4 address (mapped, compatible, SIIT,
 * NAT64, 6to4) are judged by the embedded address.
 */
export type NonPublicReason =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'documentation'
  | 'reserved';

interface Range {
  base: bigint;
  bits: number;
  width: number;
  reason: NonPublicReason;
}

const V4: Array<[string, NonPublicReason]> = [
  ['0.0.0.0/8', 'unspecified'], // "this network"
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared'], // carrier-grade NAT
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'], // includes the cloud metadata service 169.254.169.254
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'], // IETF protocol assignments
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'], // former 6to4 relay anycast
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'], // benchmarking
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'], // includes 255.255.255.255
];

const V6: Array<[string, NonPublicReason]> = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'], // local-use NAT64
  ['100::/64', 'reserved'], // discard-only
  ['2001:db8::/32', 'documentation'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'], // former site-local
  ['ff00::/8', 'multicast'],
];

/** IPv6 prefixes whose low 32 bits (or, for 6to4, bits 16–47) are an IPv4 address. */
const EMBEDDING: Array<{ prefix: string; bits: number; at: number }> = [
  { prefix: '::ffff:0:0', bits: 96, at: 0 }, // IPv4-mapped
  { prefix: '::ffff:0:0:0', bits: 96, at: 0 }, // SIIT "IPv4-translated"
  { prefix: '64:ff9b::', bits: 96, at: 0 }, // NAT64 well-known prefix
  { prefix: '::', bits: 96, at: 0 }, // deprecated IPv4-compatible
  { prefix: '2002::', bits: 16, at: 80 }, // 6to4: 2002:AABB:CCDD::/48
];

function v4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

function v6ToBigInt(ip: string): bigint {
  let text = ip.replace(/%.*$/, '');
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v = v4ToBigInt(tail[1]!);
    text = text.slice(0, -tail[1]!.length) + `${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = rest === undefined ? [] : rest ? rest.split(':') : [];
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function ranges(list: Array<[string, NonPublicReason]>, width: number, parse: (ip: string) => bigint): Range[] {
  return list.map(([cidr, reason]) => {
    const [addr, bits] = cidr.split('/') as [string, string];
    return { base: parse(addr), bits: Number(bits), width, reason };
  });
}

const V4_RANGES = ranges(V4, 32, v4ToBigInt);
const V6_RANGES = ranges(V6, 128, v6ToBigInt);

function inRange(value: bigint, r: { base: bigint; bits: number; width: number }): boolean {
  const shift = BigInt(r.width - r.bits);
  return value >> shift === r.base >> shift;
}

function v4Reason(value: bigint): NonPublicReason | null {
  return V4_RANGES.find((r) => inRange(value, r))?.reason ?? null;
}

/** Null for a public unicast address; otherwise the kind of range it is in. Throws on a non-address. */
export function nonPublicReason(ip: string): NonPublicReason | null {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const family = isIP(bare.replace(/%.*$/, ''));
  if (family === 4) return v4Reason(v4ToBigInt(bare));
  if (family !== 6) throw new Error(`not an IP address: ${ip}`);
  const value = v6ToBigInt(bare);
  const own = V6_RANGES.find((r) => inRange(value, r))?.reason;
  if (own) return own;
  for (const e of EMBEDDING) {
    if (inRange(value, { base: v6ToBigInt(e.prefix), bits: e.bits, width: 128 })) {
      const embedded = (value >> BigInt(e.at)) & 0xffffffffn;
      // The deprecated compatible form is refused even around a public address: nothing routes it.
      return v4Reason(embedded) ?? (e.prefix === '::' ? 'reserved' : null);
    }
  }
  return null;
}

/** The IP address a URL host spells (brackets removed), or undefined for a name. */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : undefined;
}

/** RFC 6761: `localhost` and every name under it are this machine, whatever a resolver says. */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}
