import { text } from '../../../src/config/config-fields';
import type { AuditEventRecord, EventFilter } from '../../../src/domain/audit-event';
import type { UpstreamHttpClient } from '../../../src/datasources/http-client';
import type { NativePlan, ProviderAdapter } from '../../../src/datasources/provider-adapter';
import { defineProvider } from '../../../src/datasources/provider-definition';
import { createScanBudget } from '../../../src/paging/scan.types';
import { makeEvent } from '../paging/fake-sources';

type Registry = typeof import('../../../src/datasources/providers');
type ConfigSchema = typeof import('../../../src/config/config.schema');
type CreateAdapters = typeof import('../../../src/datasources/create-adapters');
type Enums = typeof import('../../../src/types/enums');

const TIMES = ['2026-01-01T00:00:01.000000000Z', '2026-01-01T00:00:02.000000000Z', '2026-01-01T00:00:03.000000000Z'];

/** A fifth provider as a new folder would declare it: ascending only, no filters, no count. */
const acmeProvider = defineProvider({
  name: 'acme',
  kind: 'ACME',
  defaultBaseUrl: 'https://api.acme.example',
  pageSize: { min: 1, max: 50, default: 25 },
  settings: { token: text() },
  quotaSettings: ['token'],
  createAdapter: (source, { ref, pageLimits }): ProviderAdapter => {
    const events = TIMES.map((t, i) => ({ ...makeEvent(t, `e${i}`, ref.id) }));
    const plan: NativePlan = {
      pushedDown: null,
      complete: false,
      fetchPage: async (query) => {
        const from = query.continuation === undefined ? 0 : Number(query.continuation);
        const page = events.slice(from, from + query.pageSize);
        return { events: page, continuation: from + query.pageSize < events.length ? String(from + query.pageSize) : null };
      },
    };
    return {
      ref,
      capabilities: { orders: ['ASC'], continuation: 'stable', precision: 'millisecond', counts: 'none' },
      pageLimits,
      isNativeId: (id) => id.startsWith('e') && source.token.length > 0,
      plan: () => plan,
      getEvent: async (id) => events.find((e) => e.nativeId === id) ?? null,
    };
  },
});

/** The modules that read the registry, loaded with `acme` registered by its one line. */
function withFifthProvider(): { registry: Registry; config: ConfigSchema; adapters: CreateAdapters; enums: Enums } {
  let loaded!: ReturnType<typeof withFifthProvider>;
  jest.isolateModules(() => {
    jest.doMock('../../../src/datasources/providers', () => {
      const actual = jest.requireActual<Registry>('../../../src/datasources/providers');
      const PROVIDERS = [...actual.PROVIDERS, acmeProvider];
      return { PROVIDERS, providerNamed: (name: string) => PROVIDERS.find((p) => p.name === name)! };
    });
    loaded = {
      registry: jest.requireMock<Registry>('../../../src/datasources/providers'),
      config: jest.requireActual<ConfigSchema>('../../../src/config/config.schema'),
      adapters: jest.requireActual<CreateAdapters>('../../../src/datasources/create-adapters'),
      enums: jest.requireActual<Enums>('../../../src/types/enums'),
    };
  });
  return loaded;
}

describe('the provider registry', () => {
  afterEach(() => jest.dontMock('../../../src/datasources/providers'));

  it('is all a fifth provider needs besides its folder: config keys, defaults, the Provider enum and a working source', async () => {
    const { config, adapters, enums } = withFifthProvider();

    const [source] = config.parseSources([{ id: 'acme', provider: 'acme', token: 'secret' } as never]);
    expect(source).toMatchObject({ provider: 'acme', baseUrl: 'https://api.acme.example', pageSize: 25, retries: 2 });
    expect(() => config.parseSources([{ id: 'acme', provider: 'acme' } as never])).toThrow(/token/);
    expect(() => config.parseSources([{ id: 'acme', provider: 'acme', token: 'x', pageSize: 51 } as never])).toThrow(/pageSize/);
    expect(config.PROVIDER_NAMES).toContain('acme');
    expect(config.allowedConfigKeys(['sources', 0], { sources: [{ provider: 'acme' }] })).toContain('token');
    expect(Object.values(enums.Provider)).toEqual(['LOGROCKET', 'ZENDESK', 'LOSANT', 'NIRVANA', 'ACME']);

    const adapter = adapters.createAdapter(source, { logger: silentLogger() }, {} as UpstreamHttpClient);
    expect(adapter.ref).toEqual({ id: 'acme', provider: 'ACME' });
    const filter: EventFilter = {};
    const scanned = async (direction: 'ASC' | 'DESC') => {
      const { scanner } = adapter.scanner(filter, { call: { deadline: Number.POSITIVE_INFINITY }, tenantId: 't' });
      const ids: string[] = [];
      for await (const item of scanner.scan({ direction, want: 10, filtering: false, budget: createScanBudget(50) })) {
        if (item.kind === 'events') ids.push(...item.events.map((e: AuditEventRecord) => e.nativeId));
      }
      return ids;
    };
    expect(await scanned('ASC')).toEqual(['e0', 'e1', 'e2']);
    // Newest first is emulated from the declared capabilities: the adapter only reads ascending.
    expect(await scanned('DESC')).toEqual(['e2', 'e1', 'e0']);
    expect(await adapter.getEvent('x9', TIMES[0], { deadline: Number.POSITIVE_INFINITY })).toBeNull();
    expect(await adapter.countEvents(filter, { deadline: Number.POSITIVE_INFINITY })).toBeNull();
  });

  it("names exactly the registered providers as the config file's provider values", () => {
    const { config, registry } = withFifthProvider();
    expect(config.PROVIDER_NAMES).toEqual(registry.PROVIDERS.map((p) => p.name));
  });
});

function silentLogger() {
  const noop = () => undefined;
  const logger = { info: noop, warn: noop, error: noop, debug: noop, child: () => logger };
  return logger as never;
}
