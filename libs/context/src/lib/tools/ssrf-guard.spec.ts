import { describe, expect, it } from 'vitest';
import { hostAllowed, pinnedLookup, refusalOfAddress, vetTarget, type HostResolver, type HttpTargetPolicy } from './ssrf-guard';

const publicResolver: HostResolver = async () => [{ address: '93.184.215.14', family: 4 }];
const fixed =
  (...addresses: string[]): HostResolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const https: HttpTargetPolicy = { allowedHosts: [], allowHttp: false };

async function refusal(url: string, resolve: HostResolver = publicResolver, policy = https): Promise<string> {
  try {
    await vetTarget(url, policy, resolve);
  } catch (error) {
    expect((error as { code: string }).code).toBe('context.http_target_blocked');
    return (error as Error).message;
  }
  throw new Error(`${url} was not refused`);
}

describe('SSRF guard: addresses', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.10.10', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'metadata'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['::ffff:7f00:1', 'IPv4-mapped'],
    ['::ffff:169.254.169.254', 'IPv4-mapped'],
    // ipaddr.js reads `::a.b.c.d` as IPv4-mapped; the hex spelling is caught as IPv4-compatible.
    ['::127.0.0.1', 'IPv4-'],
    ['::10.0.0.1', 'IPv4-'],
    ['::7f00:1', 'IPv4-compatible'],
    ['::a9fe:a9fe', 'IPv4-compatible'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['64:ff9b:1::a00:1', 'rfc6052'],
    ['2002:7f00:1::1', '6to4'],
    ['2002:c0a8:101::1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    ['2001:db8::1', 'reserved'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['100::1', 'discard'],
    ['::ffff:0:7f00:1', 'rfc6145'],
    ['4000::1', 'outside IPv6 global unicast'],
  ])('refuses %s (%s)', (address, why) => {
    const reason = refusalOfAddress(address);
    expect(reason).not.toBeNull();
    expect(reason).toContain(why);
  });

  it.each(['93.184.215.14', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:81b::200e'])('allows public unicast %s', (address) => {
    expect(refusalOfAddress(address)).toBeNull();
  });
});

describe('SSRF guard: URLs', () => {
  it('normalises every IPv4 spelling through WHATWG URL before checking it', async () => {
    for (const url of ['https://2130706433/', 'https://0x7f.1/', 'https://0177.0.0.1/', 'https://127.1/', 'https://0x7f000001/', 'https://017700000001/', 'https://127.000.000.001/']) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
      expect(await refusal(url)).toMatch(/loopback/);
    }
    expect(await refusal('https://0xa9fea9fe/latest/meta-data/')).toMatch(/metadata/);
    expect(await refusal('https://[::ffff:a9fe:a9fe]/')).toMatch(/IPv4-mapped/);
    expect(await refusal('https://[0:0:0:0:0:ffff:127.0.0.1]/')).toMatch(/IPv4-mapped/);
  });

  it('refuses names that resolve to a private address, and any answer set with one private address', async () => {
    expect(await refusal('https://internal.example.com/', fixed('10.0.0.5'))).toMatch(/internal.example.com resolves to 10.0.0.5/);
    expect(await refusal('https://mixed.example.com/', fixed('93.184.215.14', '127.0.0.1'))).toMatch(/loopback/);
    expect(await refusal('https://v6.example.com/', fixed('::ffff:10.0.0.1'))).toMatch(/IPv4-mapped/);
    expect(
      await refusal('https://nowhere.example.com/', async () => {
        throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
      }),
    ).toMatch(/does not resolve/);
  });

  it('refuses metadata host names, plain http by default, credentials and other schemes', async () => {
    expect(await refusal('https://metadata.google.internal/computeMetadata/v1/')).toMatch(/metadata host/);
    expect(await refusal('https://METADATA.GOOGLE.INTERNAL./')).toMatch(/metadata host/);
    expect(await refusal('http://example.com/')).toMatch(/scheme http is not allowed/);
    expect(await refusal('https://user:pw@example.com/')).toMatch(/credentials/);
    for (const url of ['file:///etc/passwd', 'gopher://example.com/', 'ftp://example.com/', 'data:text/plain,hi']) expect(await refusal(url)).toMatch(/scheme/);
    expect(await refusal('not a url')).toMatch(/not a valid absolute URL/);
  });

  it('resolves a public name (mock DNS) to the address the connection is pinned to', async () => {
    const target = await vetTarget('https://api.example.com/v1?q=1', https, publicResolver);
    expect(target).toMatchObject({ hostname: 'api.example.com', address: '93.184.215.14', family: 4 });
    const plain = await vetTarget('http://api.example.com/', { allowedHosts: [], allowHttp: true }, publicResolver);
    expect(plain.url.protocol).toBe('http:');
    // The pinned lookup answers the vetted address whatever DNS would say now, and nothing for other names.
    const lookup = pinnedLookup(target);
    const answers: unknown[] = [];
    lookup('api.example.com', { all: true }, (error, address) => answers.push(error ?? address));
    lookup('api.example.com', {}, (error, address, family) => answers.push(error ?? `${String(address)}/${family}`));
    lookup('evil.example.com', {}, (error) => answers.push(error?.message));
    expect(answers[0]).toEqual([{ address: '93.184.215.14', family: 4 }]);
    expect(answers[1]).toBe('93.184.215.14/4');
    expect(answers[2]).toMatch(/refused/);
  });

  it('applies allowed hosts exactly and by wildcard', async () => {
    expect(hostAllowed('api.example.com', ['api.example.com'])).toBe(true);
    expect(hostAllowed('api.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('a.b.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('example.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('evilexample.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('example.com.evil.net', ['example.com'])).toBe(false);
    expect(await refusal('https://other.org/', publicResolver, { allowedHosts: ['api.example.com'], allowHttp: false })).toMatch(/not among the tool's allowed hosts/);
  });
});
