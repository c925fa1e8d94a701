import { createTenantResolver } from '../../../src/auth/tenant-resolver';
import { parseSources } from '../../../src/config/config.schema';
import { demoConfig, parseConfig } from '../../../src/config/load-config';
import { VALID_ENV, VALID_YAML } from '../config/config-fixtures';

describe('createTenantResolver', () => {
  const config = parseConfig(VALID_YAML, { format: 'yaml', env: VALID_ENV });
  const resolver = createTenantResolver(config);

  it('resolves a valid bearer key to its tenant', () => {
    expect(resolver.resolve('Bearer acme-gateway-key')?.id).toBe('acme');
    expect(resolver.resolve('Bearer support-key-2')?.id).toBe('support');
  });

  it('treats the scheme case-insensitively', () => {
    expect(resolver.resolve('bearer acme-gateway-key')?.id).toBe('acme');
    expect(resolver.resolve('BEARER acme-gateway-key')?.id).toBe('acme');
  });

  it('rejects unknown keys, missing headers and other schemes', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Bearer unknown-key',
      'Bearer acme-gateway-ke',
      'Bearer acme-gateway-key extra',
      'Basic YWNtZTphY21lLWdhdGV3YXkta2V5',
      'Token acme-gateway-key',
      'acme-gateway-key',
      'BearerAcme-gateway-key',
    ]) {
      expect(resolver.resolve(header)).toBeNull();
    }
  });

  it('expands * to every configured source and keeps explicit grants', () => {
    expect([...resolver.resolve('Bearer acme-gateway-key')!.sourceIds]).toEqual(['lr-web', 'lr-mobile', 'zendesk', 'losant', 'nirvana']);
    expect([...resolver.resolve('Bearer support-key-1')!.sourceIds]).toEqual(['zendesk', 'lr-mobile']);
  });

  it('lists every tenant', () => {
    expect(resolver.tenants().map((t) => t.id)).toEqual(['acme', 'support']);
    expect(resolver.resolve('Bearer support-key-1')).toBe(resolver.tenants()[1]);
  });

  it('gives the demo tenant to any caller in demo mode', () => {
    const sources = parseSources([
      {
        id: 'zendesk',
        provider: 'zendesk',
        baseUrl: 'http://127.0.0.1:5003',
        oauthToken: 't',
        timeoutMs: 1000,
        retries: 0,
        maxConnections: 1,
      },
      {
        id: 'losant',
        provider: 'losant',
        baseUrl: 'http://127.0.0.1:5004',
        orgId: 'o',
        apiToken: 't',
        timeoutMs: 1000,
        retries: 0,
        maxConnections: 1,
      },
    ]);
    const demo = createTenantResolver(demoConfig(sources));
    for (const header of [undefined, '', 'Bearer anything', 'Basic abc']) {
      const tenant = demo.resolve(header);
      expect(tenant?.id).toBe('demo');
      expect([...tenant!.sourceIds]).toEqual(['zendesk', 'losant']);
    }
    expect(demo.tenants().map((t) => t.id)).toEqual(['demo']);
  });

  it('never treats a config with an empty key list as open outside demo mode', () => {
    const closed = createTenantResolver({ ...config, tenants: [{ id: 'nobody', apiKeys: [], sources: ['*'] }] });
    expect(closed.resolve(undefined)).toBeNull();
    expect(closed.resolve('Bearer ')).toBeNull();
  });
});
