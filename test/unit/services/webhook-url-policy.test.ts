import fc from 'fast-check';
import { isPublicAddress, WebhookUrlPolicy, type HostResolver } from '../../../src/services/webhook-url-policy';

const resolver: HostResolver = async (host) => {
  if (host === 'hooks.example.com' || host === 'hooks.example.com.') return [{ address: '93.184.215.14', family: 4 }];
  if (host === 'v6.example.com') return [{ address: '2606:4700:4700::1111', family: 6 }];
  if (host === 'mixed.example.com')
    return [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
  if (host === 'metadata.example.com') return [{ address: '169.254.169.254', family: 4 }];
  if (host === 'mapped.example.com') return [{ address: '::ffff:127.0.0.1', family: 6 }];
  if (host.endsWith('.internal') || host === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

const strict = new WebhookUrlPolicy({ resolve: resolver });

async function refusal(policy: WebhookUrlPolicy, url: string): Promise<unknown> {
  try {
    await policy.accept(url);
    return null;
  } catch (error) {
    return error;
  }
}

async function expectRefused(policy: WebhookUrlPolicy, url: string): Promise<void> {
  expect(await refusal(policy, url)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'webhookUrl' } });
}

describe('WebhookUrlPolicy.accept', () => {
  it.each([
    // loopback, in every spelling WHATWG URL parsing knows
    'https://localhost/x',
    'https://LOCALHOST./x',
    'https://app.localhost/x',
    'https://127.0.0.1/x',
    'https://127.0.0.1./x',
    'https://127.1/x',
    'https://2130706433/x',
    'http://2130706433/x',
    'https://0177.0.0.1/x',
    'https://0x7f.1/x',
    'https://0x7f000001/x',
    'https://①②⑦.0.0.1/x',
    'https://[::1]/x',
    'https://[0:0:0:0:0:0:0:1]/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://[::ffff:7f00:1]/x',
    'https://[64:ff9b::127.0.0.1]/x',
    'https://[::127.0.0.1]/x',
    // private, link-local, CGNAT, this-network, multicast, broadcast, reserved, documentation
    'https://10.0.0.1/x',
    'https://172.16.0.1/x',
    'https://172.31.255.255/x',
    'https://192.168.1.1/x',
    'https://169.254.169.254/latest/meta-data/',
    'https://100.64.0.1/x',
    'https://0.0.0.0/x',
    'https://0/x',
    'https://224.0.0.1/x',
    'https://255.255.255.255/x',
    'https://240.0.0.1/x',
    'https://192.0.2.1/x',
    'https://198.18.0.1/x',
    'https://[fe80::1]/x',
    'https://[fe80::1%25eth0]/x',
    'https://[fc00::1]/x',
    'https://[fd12:3456::1]/x',
    'https://[ff02::1]/x',
    'https://[::]/x',
    'https://[2001:db8::1]/x',
    'https://[2002:7f00:1::1]/x',
    'https://[64:ff9b:1::a00:1]/x',
    'https://[::ffff:10.0.0.1]/x',
    // names that resolve inward, or not at all
    'https://hooks.internal/x',
    'https://metadata.example.com/x',
    'https://mixed.example.com/x',
    'https://mapped.example.com/x',
    'https://nowhere.invalid/x',
    // scheme, port and credentials
    'http://hooks.example.com/x',
    'https://hooks.example.com:8443/x',
    'https://hooks.example.com:80/x',
    'https://user:pass@hooks.example.com/x',
    'https://user@hooks.example.com/x',
    'https://user:pass@localhost/x',
    'ftp://hooks.example.com/x',
    'javascript:alert(1)',
    'hook',
    `https://hooks.example.com/${'x'.repeat(2100)}`,
  ])('refuses %s', async (url) => {
    await expectRefused(strict, url);
  });

  it.each([
    ['https://hooks.example.com/x', 'https://hooks.example.com/x'],
    ['https://hooks.example.com:443/x?y=1', 'https://hooks.example.com/x?y=1'],
    ['https://hooks.example.com./x', 'https://hooks.example.com./x'],
    ['https://v6.example.com/x', 'https://v6.example.com/x'],
    ['https://8.8.8.8/x', 'https://8.8.8.8/x'],
    ['https://172.32.0.1/x', 'https://172.32.0.1/x'],
    ['https://[2606:4700:4700::1111]/x', 'https://[2606:4700:4700::1111]/x'],
    ['https://[64:ff9b::8.8.8.8]/x', 'https://[64:ff9b::808:808]/x'],
  ])('accepts %s', async (url, normalised) => {
    expect(await strict.accept(url)).toBe(normalised);
  });

  it('names the field it was asked about, and echoes no resolved address', async () => {
    const error = await refusal(strict, 'https://metadata.example.com/x');
    expect(error).toMatchObject({ extensions: { field: 'webhookUrl' } });
    expect((error as Error).message).not.toContain('169.254');
    expect(await refusal(strict, 'https://nowhere.invalid/x')).toMatchObject({ message: (error as Error).message });
    await expect(strict.accept('https://localhost/x', 'input.hook')).rejects.toMatchObject({ extensions: { field: 'input.hook' } });
  });

  it('gives up on a resolver that does not answer', async () => {
    const policy = new WebhookUrlPolicy({ resolve: () => new Promise(() => undefined), resolveTimeoutMs: 20 });
    await expectRefused(policy, 'https://hooks.example.com/x');
  });

  it('lets operators allow hosts (whatever they resolve to) and ports', async () => {
    const policy = new WebhookUrlPolicy({
      resolve: resolver,
      allowedHosts: ['hooks.internal', '10.0.0.5', '[fd00::1]'],
      allowedPorts: [8443],
    });
    expect(await policy.accept('https://hooks.internal/x')).toBe('https://hooks.internal/x');
    expect(await policy.accept('https://HOOKS.internal.:8443/x')).toBe('https://hooks.internal.:8443/x');
    expect(await policy.accept('https://10.0.0.5/x')).toBe('https://10.0.0.5/x');
    expect(await policy.accept('https://[fd00::1]/x')).toBe('https://[fd00::1]/x');
    expect(await policy.accept('https://hooks.example.com:8443/x')).toBe('https://hooks.example.com:8443/x');
    expect(policy.allowsConnection('hooks.internal', '127.0.0.1')).toBe(true);
    expect(policy.allowsConnection('hooks.internal.', '10.1.2.3')).toBe(true);
    for (const url of [
      'https://other.internal/x',
      'https://10.0.0.6/x',
      'https://localhost:8443/x',
      'https://hooks.internal:9443/x',
      'http://hooks.internal/x',
    ]) {
      await expectRefused(policy, url);
    }
    expect(policy.allowsConnection('other.internal', '127.0.0.1')).toBe(false);
  });

  it('in demo mode allows loopback, over http and on any port, and nothing else inward', async () => {
    const demo = new WebhookUrlPolicy({ resolve: resolver, allowLoopback: true });
    for (const url of [
      'http://127.0.0.1:8080/x',
      'http://127.1.2.3/x',
      'http://localhost:3000/x',
      'http://[::1]:3000/x',
      'https://127.0.0.1:1/x',
    ]) {
      expect(await demo.accept(url)).toBe(new URL(url).toString());
    }
    for (const url of [
      'http://10.0.0.1/x',
      'https://10.0.0.1/x',
      'https://169.254.169.254/x',
      'http://hooks.example.com/x',
      'http://127.0.0.1.example.com/x',
      'https://user:pass@localhost/x',
    ]) {
      await expectRefused(demo, url);
    }
    expect(demo.allowsConnection('localhost', '127.0.0.1')).toBe(true);
    expect(demo.allowsConnection('hooks.example.com', '10.0.0.1')).toBe(false);
  });
});

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['93.184.215.14', true],
    ['100.63.255.255', true],
    ['100.128.0.0', true],
    ['2606:4700:4700::1111', true],
    ['::ffff:8.8.8.8', true],
    ['64:ff9b::808:808', true],
    ['127.0.0.1', false],
    ['::1', false],
    ['::', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:169.254.169.254', false],
    ['64:ff9b::a9fe:a9fe', false],
    ['64:ff9b:1::1', false],
    ['fe80::1', false],
    ['fe80::1%eth0', false],
    ['fec0::1', false],
    ['fc00::1', false],
    ['fdff::1', false],
    ['ff02::1', false],
    ['100::1', false],
    ['2001::1', false],
    ['2001:db8::1', false],
    ['2002:c000:204::1', false],
    ['3fff::1', false],
    ['0177.0.0.1', false],
    ['127.1', false],
    ['localhost', false],
    ['', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

// ---- properties ----------------------------------------------------------------------------------

/** Non-public IPv4 ranges as numbers: the oracle is arithmetic, not the BlockList under test. */
const PRIVATE_V4: ReadonlyArray<readonly [string, number, number]> = [
  ['this network', 0x00000000, 8],
  ['RFC 1918 10/8', 0x0a000000, 8],
  ['CGNAT', 0x64400000, 10],
  ['loopback', 0x7f000000, 8],
  ['link-local', 0xa9fe0000, 16],
  ['RFC 1918 172.16/12', 0xac100000, 12],
  ['RFC 1918 192.168/16', 0xc0a80000, 16],
  ['multicast', 0xe0000000, 4],
  ['reserved and broadcast', 0xf0000000, 4],
];

function inRange(value: number, [, base, prefix]: readonly [string, number, number]): boolean {
  const size = 2 ** (32 - prefix);
  return value >= base && value < base + size;
}

const privateV4 = fc
  .constantFrom(...PRIVATE_V4)
  .chain((range) => fc.integer({ min: 0, max: 2 ** (32 - range[2]) - 1 }).map((offset) => range[1] + offset));

const bytes = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const hex = (n: number) => n.toString(16);

/** Every spelling of an IPv4 address a URL host may use. */
const spellings = (n: number): string[] => {
  const [a, b, c, d] = bytes(n) as [number, number, number, number];
  return [
    `${a}.${b}.${c}.${d}`,
    `${a}.${b}.${c}.${d}.`,
    String(n),
    `0x${hex(n)}`,
    `0${n.toString(8)}`,
    `0${a.toString(8)}.0${b.toString(8)}.0${c.toString(8)}.0${d.toString(8)}`,
    `0x${hex(a)}.0x${hex(b)}.0x${hex(c)}.0x${hex(d)}`,
    `${a}.${(b << 16) | (c << 8) | d}`,
    `${a}.${b}.${(c << 8) | d}`,
    `0x${hex(a)}.${(b << 16) | (c << 8) | d}`,
    `[::ffff:${a}.${b}.${c}.${d}]`,
    `[::ffff:${hex((a << 8) | b)}:${hex((c << 8) | d)}]`,
    `[0:0:0:0:0:FFFF:${a}.${b}.${c}.${d}]`,
    `[64:ff9b::${a}.${b}.${c}.${d}]`,
  ];
};

describe('WebhookUrlPolicy properties', () => {
  it('refuses every address of a non-public IPv4 range, whatever its spelling, at acceptance and at connect time', async () => {
    await fc.assert(
      fc.asyncProperty(privateV4, fc.constantFrom('', ':443'), async (n, port) => {
        const [a, b, c, d] = bytes(n);
        expect(strict.allowsConnection('any.example.com', `${a}.${b}.${c}.${d}`)).toBe(false);
        for (const host of spellings(n)) {
          const error = await refusal(strict, `https://${host}${port}/hook`);
          expect(error).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'webhookUrl' } });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a name when any one of its addresses is not public', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.ipV4(), { maxLength: 3 }), privateV4, fc.nat(), async (others, n, at) => {
        const bad = bytes(n).join('.');
        const answer = [...others];
        answer.splice(at % (answer.length + 1), 0, bad);
        const policy = new WebhookUrlPolicy({ resolve: async () => answer.map((address) => ({ address, family: 4 })) });
        await expectRefused(policy, 'https://rebind.example.com/hook');
      }),
      { numRuns: 100 },
    );
  });

  it('refuses every address of a non-public IPv6 range, in any case and compression', () => {
    const ranges: ReadonlyArray<readonly [number, number]> = [
      [0xfc00, 7], // unique local
      [0xfe80, 10], // link-local
      [0xff00, 8], // multicast
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...ranges),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
        fc.boolean(),
        ([base, prefix], groups, upper) => {
          const mask = (0xffff << (16 - prefix)) & 0xffff;
          groups[0] = (base & mask) | (groups[0]! & ~mask & 0xffff);
          const text = groups.map(hex).join(':');
          const address = upper ? text.toUpperCase() : text;
          expect(isPublicAddress(address.toLowerCase())).toBe(false);
          expect(strict.allowsConnection('any.example.com', address)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts every public IPv4 address, and connects to it', async () => {
    const reserved: ReadonlyArray<readonly [string, number, number]> = [
      ...PRIVATE_V4,
      ['IETF', 0xc0000000, 24],
      ['TEST-NET-1', 0xc0000200, 24],
      ['6to4 relay', 0xc0586300, 24],
      ['benchmarking', 0xc6120000, 15],
      ['TEST-NET-2', 0xc6336400, 24],
      ['TEST-NET-3', 0xcb007100, 24],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }).filter((n) => !reserved.some((range) => inRange(n, range))),
        async (n) => {
          const address = bytes(n).join('.');
          expect(await strict.accept(`https://${address}/hook`)).toBe(`https://${address}/hook`);
          expect(strict.allowsConnection('any.example.com', address)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
