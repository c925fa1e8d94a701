import { z } from 'zod';
import type { ProviderDefinition } from '../datasources/provider-definition';
import { PROVIDERS, type ProviderName } from '../datasources/providers';
import { flag, httpUrl, integer, text } from './config-fields';
import { configError, configErrorMap, describeIssues, type ConfigPath } from './config-problems';

export type { ProviderName } from '../datasources/providers';

/** Every upstream provider auditgraph can read. */
export const PROVIDER_NAMES = PROVIDERS.map((p) => p.name);

/** Source ids end up in URLs and cache keys, hence the narrow alphabet. */
export const SOURCE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** The `sources` entry of a tenant that grants every configured source. */
export const ALL_SOURCES = '*';

/** Values of `server.landingPage`: Apollo's embedded Sandbox, or no landing page. */
export const LANDING_PAGES = ['sandbox', 'off'] as const;

/** What a browser gets on GET /graphql. */
export type LandingPage = (typeof LANDING_PAGES)[number];

const MIN_CURSOR_SECRET_LENGTH = 32;

const sourceId = z.string().regex(SOURCE_ID_PATTERN, {
  error: 'must be lower-case letters, digits, "_" or "-", starting with a letter or digit (it is used in URLs and cache keys)',
});

/** The tuning keys of every source, with their defaults; `pageSize` within the provider's limits. */
function tuning(pageSize: { min: number; max: number; default: number }) {
  return {
    /** Timeout of one attempt, in milliseconds. */
    timeoutMs: integer(1, 600_000).default(10_000),
    /** Retries after the first attempt. */
    retries: integer(0, 10).default(2),
    /** Concurrent connections to the provider. */
    maxConnections: integer(1, 1024).default(8),
    /** Native page size, within the provider's limits; default the provider's own default. */
    pageSize: integer(pageSize.min, pageSize.max).default(pageSize.default),
    /**
     * Cap on the requests per minute all instances sharing `cache.url` send the source (a burst of a
     * tenth, then evenly); default none: calls are paced by what the provider reports instead.
     */
    requestsPerMinute: integer(1, 1_000_000).optional(),
    /** Consecutive failed calls that open the source's circuit breaker. */
    breakerFailures: integer(1, 1000).default(5),
    /** How long an open breaker answers fast before it lets one probe through, ms. */
    breakerResetMs: integer(100, 3_600_000).default(30_000),
    /** How often live-tail subscriptions poll the head of this source's log, ms; default `live.pollIntervalMs`. */
    livePollIntervalMs: integer(250, 3_600_000).optional(),
  };
}

/**
 * Defaults of the operation limits. Costs count upstream requests; one page of 100 events with
 * `totalCount` over four sources costs 12 (4 × 2 native pages + 4 counts).
 */
export const DEFAULT_LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2000,
  maxRootFields: 10,
  // What `nodes` takes in one call and the largest page: a router's entity fetch for one page of a list.
  maxEntities: 100,
  // The dearest legitimate operation: upsertUsers at its cap of 500 inputs with each user's highlights.
  maxCost: 1000,
  maxBodyBytes: 1_048_576,
  // 50 a second: four clients paging back to back (about 9 pages a second each with providers
  // 20 ms away), or 30 readers of 10,000 events a minute; 19× a burst of 32 clients × 5 pages.
  requestsPerMinute: 3000,
  // 10× a reader of 10,000 events a minute with every field (1,200), 6× that burst (1,920), and
  // what four back-to-back clients mixing merged pages charge (about 9,000).
  costPerMinute: 12000,
} as const;

const limitsSchema = z
  .strictObject({
    /** Deepest selection, fragments flattened. */
    maxDepth: integer(1, 100).default(DEFAULT_LIMITS.maxDepth),
    /** Aliases per operation. */
    maxAliases: integer(0, 1000).default(DEFAULT_LIMITS.maxAliases),
    /** Directives per operation. */
    maxDirectives: integer(0, 1000).default(DEFAULT_LIMITS.maxDirectives),
    /** Lexical tokens per document. */
    maxTokens: integer(10, 100_000).default(DEFAULT_LIMITS.maxTokens),
    /** Root fields per operation. */
    maxRootFields: integer(1, 1000).default(DEFAULT_LIMITS.maxRootFields),
    /** `_entities` representations per operation, over all its `_entities` fields. */
    maxEntities: integer(1, 100_000).default(DEFAULT_LIMITS.maxEntities),
    /**
     * Largest cost of one operation, in the upstream requests it may make (see `operationCost`):
     * native pages of each source, ids, representations, users upserted, highlights.
     */
    maxCost: integer(1, 10_000_000).default(DEFAULT_LIMITS.maxCost),
    /** Request body bytes. */
    maxBodyBytes: integer(1024, 100 * 1_048_576).default(DEFAULT_LIMITS.maxBodyBytes),
    /** GraphQL requests one tenant may send per minute; a tenant may override it. */
    requestsPerMinute: integer(1, 10_000_000).default(DEFAULT_LIMITS.requestsPerMinute),
    /** Operation cost one tenant may spend per minute; a tenant may override it. */
    costPerMinute: integer(1, 1_000_000_000).default(DEFAULT_LIMITS.costPerMinute),
  })
  .prefault({});

/** Operation limits, enforced before any upstream call; defaults in DEFAULT_LIMITS. */
export type OperationLimits = z.output<typeof limitsSchema>;

/** The config schema of a provider's sources: the common keys, the provider's own settings and its checks. */
function sourceSchemaOf<const Name extends string, const Kind extends string, Shape extends z.ZodRawShape>(
  provider: ProviderDefinition<Name, Kind, Shape>,
) {
  const schema = z.strictObject({
    id: sourceId,
    provider: z.literal(provider.name),
    // Typed as optional input either way: a provider without a default still requires it when parsed.
    baseUrl: (provider.defaultBaseUrl === undefined
      ? httpUrl(provider.baseUrlRequired)
      : httpUrl().default(provider.defaultBaseUrl)) as z.ZodDefault<ReturnType<typeof httpUrl>>,
    ...provider.settings,
    ...tuning(provider.pageSize),
  });
  const check = provider.checkSettings;
  return check ? schema.superRefine((source, ctx) => check(source as z.output<z.ZodObject<Shape>>, ctx)) : schema;
}

type SourceSchemaOf<P> =
  P extends ProviderDefinition<infer Name, infer Kind, infer Shape> ? ReturnType<typeof sourceSchemaOf<Name, Kind, Shape>> : never;
type SourceSchemasOf<T extends readonly unknown[]> = { readonly [K in keyof T]: SourceSchemaOf<T[K]> };

/** One source schema per registered provider, in registration order. */
const SOURCE_SCHEMAS = PROVIDERS.map((provider) => sourceSchemaOf(provider as unknown as ProviderDefinition)) as unknown as SourceSchemasOf<
  typeof PROVIDERS
>;

const sourceSchema = z.discriminatedUnion('provider', SOURCE_SCHEMAS, {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const provider: unknown = (issue.input as { provider?: unknown } | undefined)?.provider;
    return `${provider === undefined ? 'required, one of' : 'must be one of'} ${PROVIDER_NAMES.join(', ')}`;
  },
});

/** One configured upstream source, defaults filled; `baseUrl` has no trailing slash. */
export type SourceConfig = z.output<typeof sourceSchema>;

/** The source config of one provider. */
export type SourceConfigFor<P extends ProviderName> = Extract<SourceConfig, { provider: P }>;

/** A source as a config file gives it, before defaults. */
export type SourceInput = z.input<typeof sourceSchema>;

/** Per-source tuning of outbound calls, defaults filled (the keys every provider's sources share). */
export type SourceTuning = z.output<z.ZodObject<ReturnType<typeof tuning>>>;

const tenantSchema = z.strictObject({
  id: text(),
  /** Keys sent as `Authorization: Bearer <key>`; unique across tenants. Empty only in demo mode. */
  apiKeys: z.array(text()).min(1, { error: 'at least one key is required' }),
  /** `['*']` or a list of source ids. */
  sources: z.array(text()).min(1, { error: `at least one entry is required — use ["${ALL_SOURCES}"] for every source` }),
  /** Overrides `limits.requestsPerMinute` for this tenant. */
  requestsPerMinute: integer(1, 10_000_000).optional(),
  /** Overrides `limits.costPerMinute` for this tenant. */
  costPerMinute: integer(1, 1_000_000_000).optional(),
});

/** Who may call the gateway and which sources they may read. */
export type TenantConfig = z.output<typeof tenantSchema>;

/** Defaults of the public listener's connection hygiene (the `server.*Ms` and connection keys). */
export const DEFAULT_CONNECTION_LIMITS = {
  // Headers arrive in one packet; a client still sending them after 10 s is dripping.
  headersTimeoutMs: 10_000,
  // A 1 MiB body (limits.maxBodyBytes) at about 300 kbit/s, and the usual proxy timeout.
  requestTimeoutMs: 30_000,
  // 4× the 64 connections of a generously pooled client, 40× a browser's 6; the project's tests
  // and load test open at most about 100.
  maxConnectionsPerClient: 256,
  // Inside `docker stop`'s 10 s before SIGKILL, with room for closing caches and pools.
  shutdownGraceMs: 5_000,
} as const;

const serverSchema = z
  .strictObject({
    /** Listen address. */
    host: text().default('127.0.0.1'),
    /** Listen port. */
    port: integer(0, 65535).default(4000),
    /** Public base URL (no trailing slash), used for webhook URLs handed to providers. */
    publicUrl: httpUrl().optional(),
    /** Whether GraphQL introspection is on (demo mode: on). */
    introspection: flag.default(false),
    /** What a browser gets on GET /graphql: Apollo Sandbox or nothing; default sandbox in demo mode, off otherwise. */
    landingPage: z.enum(LANDING_PAGES, { error: `must be one of ${LANDING_PAGES.join(', ')}` }).optional(),
    /** Time a client has to send its request headers, ms; default in DEFAULT_CONNECTION_LIMITS. */
    headersTimeoutMs: integer(100, 600_000).optional(),
    /**
     * Time a client has to send its whole request, headers and body, ms; default in
     * DEFAULT_CONNECTION_LIMITS. Not the time to answer it: that is the GraphQL request's upstream deadline.
     */
    requestTimeoutMs: integer(100, 3_600_000).optional(),
    /** Concurrent connections one client address (IPv6: its /64) may hold; 0 for no cap; default in DEFAULT_CONNECTION_LIMITS. */
    maxConnectionsPerClient: integer(0, 1_000_000).optional(),
    /** On shutdown, how long requests in flight may take to finish before their connections are cut, ms; default in DEFAULT_CONNECTION_LIMITS. */
    shutdownGraceMs: integer(0, 600_000).optional(),
  })
  // Node refuses a headers timeout longer than the request timeout.
  .refine(
    (server) =>
      (server.headersTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.headersTimeoutMs) <=
      (server.requestTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.requestTimeoutMs),
    {
      path: ['headersTimeoutMs'],
      error: `must not exceed server.requestTimeoutMs (default ${DEFAULT_CONNECTION_LIMITS.requestTimeoutMs})`,
      // A bad value of either key is already reported on its own.
      when: (payload) => payload.issues.length === 0,
    },
  )
  .prefault({});

const MIN_METRICS_TOKEN_LENGTH = 16;

const metricsSchema = z
  .strictObject({
    /** Listen address, default 127.0.0.1: only a scraper on the same machine reaches it. */
    host: text().default('127.0.0.1'),
    /** Listen port (0: any free port); no default, so that several instances on one machine all start. */
    port: integer(0, 65535),
    /** When set, scrapes must send `Authorization: Bearer <token>`. */
    token: z
      .string()
      .min(MIN_METRICS_TOKEN_LENGTH, {
        error: `must be at least ${MIN_METRICS_TOKEN_LENGTH} characters — generate one with: openssl rand -base64 24`,
      })
      .optional(),
  })
  .optional();

/** The metrics listener: Prometheus text at `GET /metrics`, apart from the public port. */
export type MetricsConfig = NonNullable<z.output<typeof metricsSchema>>;

const WEBHOOK_HOST_MESSAGE =
  'must be a host name or IP address in lower case, without scheme, port or path, e.g. hooks.internal.example.com, 10.0.0.5 or [fd00::1]';

const webhooksSchema = z
  .strictObject({
    /** Hosts (exact names or IP literals) a webhook may point to whatever they resolve to, e.g. an internal receiver. */
    allowedHosts: z
      .array(
        z.string().refine(
          (value) => {
            if (!/^[^\s/?#@\\]+$/.test(value) || !URL.canParse(`https://${value}/`)) return false;
            // Canonical form only, so that the entry matches the URL hosts it is compared with.
            const url = new URL(`https://${value}/`);
            return url.hostname === value && url.port === '';
          },
          { error: WEBHOOK_HOST_MESSAGE },
        ),
      )
      .max(100, { error: 'at most 100 hosts' })
      .optional(),
    /** Ports accepted besides 443, for any host that is otherwise allowed. */
    allowedPorts: z.array(integer(1, 65535)).max(100, { error: 'at most 100 ports' }).optional(),
  })
  .optional();

/**
 * Exceptions to the client-webhook rule (https, port 443, public addresses only), for operators
 * whose receivers live elsewhere. Both lists default to empty.
 */
export type WebhooksConfig = NonNullable<z.output<typeof webhooksSchema>>;

/** Defaults of the live tail (see the README's defaults table for the reasons). */
export const DEFAULT_LIVE = {
  pollIntervalMs: 5_000,
  reorderWindowMs: 30_000,
  mergeHoldMs: 1_000,
  maxSubscriptionsPerTenant: 200,
  maxSubscriptionsPerConnection: 25,
  maxMessageBytes: 64 * 1024,
  keepAliveMs: 15_000,
  connectionInitWaitMs: 10_000,
  maxPendingMessages: 1_000,
} as const;

const liveSchema = z
  .strictObject({
    /** How often one poller reads the head of a source's log, ms (a source's `livePollIntervalMs` overrides it). */
    pollIntervalMs: integer(250, 3_600_000).default(DEFAULT_LIVE.pollIntervalMs),
    /**
     * How far behind the newest event a poll reads again, ms: an event that shows up in a
     * provider's log later than newer ones is still delivered when it is at most this much older.
     */
    reorderWindowMs: integer(0, 3_600_000).default(DEFAULT_LIVE.reorderWindowMs),
    /** How long a subscription over several sources holds events to send them in time order, ms (0: not at all). */
    mergeHoldMs: integer(0, 60_000).default(DEFAULT_LIVE.mergeHoldMs),
    /** Subscriptions one tenant may hold at once, over all its connections and instances of this process. */
    maxSubscriptionsPerTenant: integer(1, 1_000_000).default(DEFAULT_LIVE.maxSubscriptionsPerTenant),
    /** Subscriptions one WebSocket connection may hold at once. */
    maxSubscriptionsPerConnection: integer(1, 10_000).default(DEFAULT_LIVE.maxSubscriptionsPerConnection),
    /** Largest message a client may send over the WebSocket, bytes. */
    maxMessageBytes: integer(1024, 16 * 1024 * 1024).default(DEFAULT_LIVE.maxMessageBytes),
    /** How often the server pings each WebSocket; a socket that missed the previous pong is closed, ms. */
    keepAliveMs: integer(1_000, 600_000).default(DEFAULT_LIVE.keepAliveMs),
    /** How long a client has after connecting to send `connection_init`, ms. */
    connectionInitWaitMs: integer(100, 600_000).default(DEFAULT_LIVE.connectionInitWaitMs),
    /**
     * Messages a subscription may have waiting for a client that reads slower than events come; past
     * that it ends with an error, and the client resumes with `after` (its last cursor), losing nothing.
     */
    maxPendingMessages: integer(10, 1_000_000).default(DEFAULT_LIVE.maxPendingMessages),
  })
  .prefault({});

/** Live-tail subscriptions: how the head of each log is polled, and what one client may hold. */
export type LiveConfig = z.output<typeof liveSchema>;

/** Defaults of the page cache's freshness rules (see the README's "Freshness" section). */
export const DEFAULT_CACHE_FRESHNESS = { settleSeconds: 600, settledPageTtlSeconds: 3600, shareAcrossWalks: true } as const;

const cacheSchema = z
  .strictObject({
    /** `redis://` or `rediss://`; absent for in-process memory. */
    url: z
      .url({ protocol: /^rediss?$/, error: (issue) => (issue.input === undefined ? undefined : 'must be a redis:// or rediss:// URL') })
      .optional(),
    /**
     * Age (from `occurredAt`) after which a page's events are taken as final, so the page is shared
     * by every scan of the tenant. An event that arrives later than this after its own time can be
     * missed by walks that start while such a page is cached.
     */
    settleSeconds: integer(1, 30 * 86_400).default(DEFAULT_CACHE_FRESHNESS.settleSeconds),
    /** How long a settled page is shared. */
    settledPageTtlSeconds: integer(1, 7 * 86_400).default(DEFAULT_CACHE_FRESHNESS.settledPageTtlSeconds),
    /** false: even settled pages only replay cursors (every new walk reads afresh). */
    shareAcrossWalks: flag.default(DEFAULT_CACHE_FRESHNESS.shareAcrossWalks),
    /**
     * Bytes the in-process cache (pages, persisted queries, highlights, users) may take, as estimated
     * from each value's JSON; default 268435456 (256 MiB). Ignored with `url`: bound Redis with its
     * own `maxmemory`.
     */
    maxBytes: integer(1_048_576, 1_099_511_627_776).optional(),
    /** Bytes of the in-process cache one tenant may take, at most `maxBytes`; default a quarter of `maxBytes`. */
    maxBytesPerTenant: integer(65_536, 1_099_511_627_776).optional(),
  })
  .refine((cache) => cache.maxBytes === undefined || cache.maxBytesPerTenant === undefined || cache.maxBytesPerTenant <= cache.maxBytes, {
    path: ['maxBytesPerTenant'],
    error: 'must not exceed cache.maxBytes',
  })
  .prefault({});

/** The shared cache and its freshness rules, defaults filled. */
export type CacheConfig = z.output<typeof cacheSchema>;

const cursorSecretSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? `required — at least ${MIN_CURSOR_SECRET_LENGTH} random characters, e.g. cursorSecret: \${AUDITGRAPH_CURSOR_SECRET}`
        : undefined,
  })
  .min(MIN_CURSOR_SECRET_LENGTH, {
    error: `must be at least ${MIN_CURSOR_SECRET_LENGTH} characters — generate one with: openssl rand -base64 32`,
  });

const sourcesSchema = z
  .array(sourceSchema)
  .min(1, { error: 'at least one source is required' })
  .superRefine((sources, ctx) => {
    const firstIndex = new Map<string, number>();
    sources.forEach((source, index) => {
      const first = firstIndex.get(source.id);
      if (first === undefined) firstIndex.set(source.id, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `duplicate source id (also sources[${first}].id) — ids must be unique`,
        });
    });
  });

/** Sources as a config file would give them, validated, with every default filled (demo mode, tests, bench). */
export function parseSources(inputs: readonly SourceInput[]): SourceConfig[] {
  return sourcesSchema.parse(inputs);
}

const tenantsSchema = z
  .array(tenantSchema)
  .min(1, { error: 'at least one tenant is required' })
  .superRefine((tenants, ctx) => {
    const firstTenant = new Map<string, number>();
    const firstKey = new Map<string, string>();
    tenants.forEach((tenant, index) => {
      const first = firstTenant.get(tenant.id);
      if (first === undefined) firstTenant.set(tenant.id, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `duplicate tenant id (also tenants[${first}].id) — ids must be unique`,
        });
      tenant.apiKeys.forEach((key, keyIndex) => {
        const where = `tenants[${index}].apiKeys[${keyIndex}]`;
        const previous = firstKey.get(key);
        if (previous === undefined) firstKey.set(key, where);
        else
          ctx.addIssue({
            code: 'custom',
            path: [index, 'apiKeys', keyIndex],
            message: `duplicate API key (also ${previous}) — every key must be unique`,
          });
      });
    });
  });

const configFileObject = z.strictObject({
  server: serverSchema,
  /** Signs cursors; at least 32 characters. */
  cursorSecret: cursorSecretSchema,
  /** Secrets cursors were signed with before a rotation; still accepted until removed. */
  previousCursorSecrets: z.array(cursorSecretSchema).max(5, { error: 'keep at most 5 previous secrets' }).optional(),
  cache: cacheSchema,
  limits: limitsSchema,
  tenants: tenantsSchema,
  sources: sourcesSchema,
  /** Where client webhooks may point beyond public https hosts on port 443; absent means nowhere else. */
  webhooks: webhooksSchema,
  /** Where Prometheus metrics are served; absent: nowhere outside demo mode. */
  metrics: metricsSchema,
  live: liveSchema,
});

/** Tenants must name configured sources (or every source). */
function checkTenantSources(config: { tenants: { sources: string[] }[]; sources: { id: string }[] }, ctx: z.RefinementCtx): void {
  const knownIds = new Set(config.sources.map((source) => source.id));
  // Only valid ids are listed: an invalid one may be a value pasted into the wrong place.
  const known = [...knownIds].filter((id) => SOURCE_ID_PATTERN.test(id));
  config.tenants.forEach((tenant, tenantIndex) => {
    tenant.sources.forEach((ref, refIndex) => {
      if (ref === ALL_SOURCES || knownIds.has(ref)) return;
      // A reference is echoed only when it looks like a source id: anything else may be a
      // value pasted into the wrong place, and config values are never printed.
      const name = SOURCE_ID_PATTERN.test(ref) ? ` "${ref}"` : '';
      ctx.addIssue({
        code: 'custom',
        path: ['tenants', tenantIndex, 'sources', refIndex],
        message: `unknown source${name} (known: ${known.join(', ')}) — use a source id or "${ALL_SOURCES}"`,
      });
    });
  });
}

/**
 * Schema of a configuration file (after `${VAR}` interpolation). Unknown keys are errors at
 * every level; the output is a resolved config without `demo`. Validate with `configErrorMap` so
 * that no message echoes a value from the file.
 */
export const configFileSchema = configFileObject.superRefine(checkTenantSources);

/** The validated file config, before `demo` is added. */
export type ConfigFile = z.output<typeof configFileSchema>;

/**
 * Schema of a configuration however it is made (a file, demo mode, tests, the bench): the file's,
 * plus `demo`, whose one tenant has no API keys.
 */
const appConfigSchema = configFileObject
  .extend({
    tenants: z.array(tenantSchema.extend({ apiKeys: z.array(text()) })).min(1),
    /** true only for the built-in demo configuration, never for a file */
    demo: flag.default(false),
  })
  .superRefine(checkTenantSources);

/** A configuration as it is given, before defaults: what `createGateway` takes. */
export type AppConfig = z.input<typeof appConfigSchema>;

/** A configuration with every default filled: what the gateway runs on. */
export type ResolvedConfig = z.output<typeof appConfigSchema>;

/**
 * Validates `config` and fills every default, the same way for a file, demo mode, tests and the
 * bench. A bad value is a ConfigError naming its path, never the value.
 */
export function resolveConfig(config: AppConfig): ResolvedConfig {
  const result = appConfigSchema.safeParse(config, { error: configErrorMap });
  if (!result.success) {
    throw configError(
      'Invalid configuration',
      describeIssues(result.error.issues, (path) => allowedConfigKeys(path, config)),
    );
  }
  return result.data;
}

function keysOf(schema: { shape: object }): string[] {
  return Object.keys(schema.shape);
}

/**
 * The keys accepted at a path of the (raw) config tree, for "unknown key" hints; for a source,
 * the keys of its provider when `provider` is known.
 */
export function allowedConfigKeys(path: ConfigPath, input: unknown): readonly string[] | undefined {
  const [section, index] = path;
  if (path.length === 0) return keysOf(configFileObject);
  if (path.length === 1 && section === 'server') return keysOf(serverSchema.unwrap());
  if (path.length === 1 && section === 'metrics') return keysOf(metricsSchema.unwrap());
  if (path.length === 1 && section === 'cache') return keysOf(cacheSchema.unwrap());
  if (path.length === 1 && section === 'limits') return keysOf(limitsSchema.unwrap());
  if (path.length === 1 && section === 'webhooks') return keysOf(webhooksSchema.unwrap());
  if (path.length === 1 && section === 'live') return keysOf(liveSchema.unwrap());
  if (path.length === 2 && section === 'tenants') return keysOf(tenantSchema);
  if (path.length === 2 && section === 'sources' && typeof index === 'number') {
    const provider = (input as { sources?: Array<{ provider?: unknown }> } | null)?.sources?.[index]?.provider;
    const schema = SOURCE_SCHEMAS.find((candidate) => candidate.shape.provider.value === provider);
    if (schema) return keysOf(schema);
  }
  return undefined;
}
