import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isLocalhostName, literalAddress, nonPublicReason } from './webhook-address.js';
import { RefusedTarget, WebhookTargetGuard, pinnedLookup, type ResolvedAddress } from './webhook-target.js';

/** The host of a URL as the guard sees it: after WHATWG normalisation, brackets removed. */
const hostOf = (url: string) => literalAddress(new URL(url).hostname);

describe('nonPublicReason: every refused IPv4 range, at both ends', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['10.0.0.0', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.0', 'shared'],
    ['100.127.255.255', 'shared'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.0', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['192.88.99.1', 'reserved'],
    ['192.168.0.1', 'private'],
    ['192.168.255.255', 'private'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
  ])('%s is %s', (ip, reason) => {
    expect(nonPublicReason(ip)).toBe(reason);
  });

  it.each(['1.1.1.1', '8.8.8.8', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0', '169.253.255.255', '169.255.0.0', '172.15.255.255', '172.32.0.0', '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255', '93.184.215.14'])(
    '%s is public',
    (ip) => {
      expect(nonPublicReason(ip)).toBeNull();
    },
  );
});

describe('nonPublicReason: IPv6, including forms that embed IPv4', () => {
  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['100::1', 'reserved'],
    ['64:ff9b:1::a', 'private'],
    // IPv4-mapped: the embedded address decides.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:100.64.0.1', 'shared'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:224.0.0.1', 'multicast'],
    ['0:0:0:0:0:ffff:c0a8:101', 'private'],
    // SIIT, NAT64 and 6to4 embeddings.
    ['::ffff:0:7f00:1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::192.168.1.1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    // Deprecated IPv4-compatible: refused whatever it embeds.
    ['::127.0.0.1', 'loopback'],
    ['::8.8.8.8', 'reserved'],
  ])('%s is %s', (ip, reason) => {
    expect(nonPublicReason(ip)).toBe(reason);
  });

  it.each(['2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', 'fbff:ffff::1', 'fe7f::1', '2400::1'])('%s is public', (ip) => {
    expect(nonPublicReason(ip)).toBeNull();
  });

  it('throws on something that is not an address', () => {
    expect(() => nonPublicReason('example.com')).toThrow(/not an IP/);
  });
});

describe('URL spellings of an address are judged after WHATWG normalisation', () => {
  it.each([
    ['http://0x7f.1/', '127.0.0.1', 'loopback'],
    ['http://2130706433/', '127.0.0.1', 'loopback'],
    ['http://017700000001/', '127.0.0.1', 'loopback'],
    ['http://127.1/', '127.0.0.1', 'loopback'],
    ['http://127.0.0.1./', '127.0.0.1', 'loopback'],
    ['http://%31%32%37.0.0.1/', '127.0.0.1', 'loopback'],
    ['http://①②⑦.0.0.1/', '127.0.0.1', 'loopback'],
    ['http://[::127.0.0.1]/', '::7f00:1', 'loopback'],
    ['http://0x7f000001/', '127.0.0.1', 'loopback'],
    ['http://0/', '0.0.0.0', 'unspecified'],
    ['http://0xa9.0xfe.0xa9.0xfe/latest/meta-data', '169.254.169.254', 'link-local'],
    ['http://2852039166/', '169.254.169.254', 'link-local'],
    ['http://012.1.2.3/', '10.1.2.3', 'private'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1', 'loopback'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', '::ffff:7f00:1', 'loopback'],
    ['http://[::1]:8080/', '::1', 'loopback'],
    ['http://[FE80::1]/', 'fe80::1', 'link-local'],
    ['https://[fd00::abc]/', 'fd00::abc', 'unique-local'],
  ])('%s → %s (%s)', (url, host, reason) => {
    expect(hostOf(url)).toBe(host);
    expect(nonPublicReason(host)).toBe(reason);
  });

  it('names stay names; localhost and its subdomains are this machine', () => {
    expect(hostOf('https://hooks.example.com/x')).toBeUndefined();
    expect(isLocalhostName('localhost')).toBe(true);
    expect(isLocalhostName('LOCALHOST.')).toBe(true);
    expect(isLocalhostName('api.localhost')).toBe(true);
    expect(isLocalhostName('localhost.example.com')).toBe(false);
  });
});

describe('WebhookTargetGuard', () => {
  const fake = (answers: Record<string, string[]>) => {
    const calls: string[] = [];
    const resolve = async (host: string): Promise<ResolvedAddress[]> => {
      calls.push(host);
      const list = answers[host];
      if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return { calls, resolve };
  };

  it('at creation: refuses literal non-public IPs, localhost, and names with only non-public addresses', async () => {
    const guard = new WebhookTargetGuard(false);
    const dns = fake({ 'inside.test': ['10.0.0.5', 'fd00::5'], 'mixed.test': ['10.0.0.5', '93.184.215.14'], 'public.test': ['93.184.215.14'] });
    guard.resolve = dns.resolve;
    for (const url of ['http://127.0.0.1:9/x', 'http://0x7f.1/', 'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/', 'http://localhost:3000/', 'http://inside.test/']) {
      expect(await guard.refusalAtCreate(new URL(url)), url).toBeInstanceOf(RefusedTarget);
    }
    expect((await guard.refusalAtCreate(new URL('http://inside.test/')))!.message).toContain('inside.test (10.0.0.5) is a private address');
    for (const url of ['https://93.184.215.14/x', 'https://public.test/', 'https://mixed.test/', 'https://does-not-resolve.test/']) {
      expect(await guard.refusalAtCreate(new URL(url)), url).toBeNull();
    }
    const open = new WebhookTargetGuard(true);
    expect(await open.refusalAtCreate(new URL('http://127.0.0.1/'))).toBeNull();
  });

  it('at delivery: resolves once, keeps only public addresses, and pins the connection to them', async () => {
    const guard = new WebhookTargetGuard(false);
    const dns = fake({ 'mixed.test': ['10.0.0.5', '93.184.215.14', '::1'], 'inside.test': ['127.0.0.1'] });
    guard.resolve = dns.resolve;
    const target = await guard.targetOrRefuse(new URL('https://mixed.test/hook'));
    expect(target.addresses).toEqual([{ address: '93.184.215.14', family: 4 }]);
    expect(dns.calls).toEqual(['mixed.test']);
    await expect(guard.targetOrRefuse(new URL('https://inside.test/hook'))).rejects.toThrow('refused: inside.test (127.0.0.1) is a loopback address');
    await expect(guard.targetOrRefuse(new URL('http://[::ffff:7f00:1]/'))).rejects.toBeInstanceOf(RefusedTarget);
    await expect(guard.targetOrRefuse(new URL('http://localhost/'))).rejects.toBeInstanceOf(RefusedTarget);
    // An unresolvable name is an ordinary (retried) error, not a refusal.
    await expect(guard.targetOrRefuse(new URL('https://gone.test/'))).rejects.toThrow(/ENOTFOUND/);
  });

  it('a pinned lookup is what the connection uses, whatever the name would resolve to now', async () => {
    const server = createServer((_req, res) => res.end('pinned'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      // `never-resolves.invalid` has no DNS answer at all: only the pinned lookup can connect it.
      const body = await new Promise<string>((resolve, reject) => {
        const req = request({ host: 'never-resolves.invalid', port, path: '/', lookup: pinnedLookup([{ address: '127.0.0.1', family: 4 }]) }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body).toBe('pinned');
      // Asked for a family it has no address of, it fails instead of falling back to DNS.
      const err = await new Promise<Error>((resolve) => {
        const req = request({ host: 'never-resolves.invalid', port, family: 6, lookup: pinnedLookup([{ address: '127.0.0.1', family: 4 }]) }, () => resolve(new Error('connected')));
        req.on('error', resolve);
        req.end();
      });
      expect(err.message).toMatch(/no IPv6 address/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
