import { z } from 'zod';
import type { ProviderDefinition } from '../datasources/provider-definition';
import { PROVIDERS, type ProviderName } from '../datasources/providers';
import { flag, httpUrl, integer, text } from './config-fields';
import type { ConfigPath } from './config-problems';

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

/** The shared cache and its freshness rules; every field optional. */
export interface CacheConfig {
  /** `redis://` or `rediss://`; absent for in-process memory. */
  url?: string;
  /**
   * Age (from `occurredAt`) after which a page's events are taken as final, so the page is shared
   * by every walk of the tenant; default 600. An event that arrives later than this after its own
   * time can be missed by walks that start while such a page is cached.
   */
  settleSeconds?: number;
  /** How long a settled page is shared; default 3600. */
  settledPageTtlSeconds?: number;
  /** false: even settled pages serve only the walk that read them (every new walk reads afresh); default true. */
  shareAcrossWalks?: boolean;
  /**
   * Bytes the in-process cache (pages, persisted queries, highlights, users) may take, as estimated
   * from each value's JSON; default 268435456 (256 MiB). Ignored with `url`: bound Redis with its
   * own `maxmemory`.
   */
  maxBytes?: number;
  /** Bytes of the in-process cache one tenant may take, at most `maxBytes`; default a quarter of `maxBytes`. */
  maxBytesPerTenant?: number;
}

/** Operation limits, enforced before any upstream call. */
export interface OperationLimits {
  /** Deepest selection, fragments flattened (default 12). */
  maxDepth: number;
  /** Aliases per operation (default 15). */
  maxAliases: number;
  /** Directives per operation (default 20). */
  maxDirectives: number;
  /** Lexical tokens per document (default 2000). */
  maxTokens: number;
  /** Root fields per operation (default 10). */
  maxRootFields: number;
  /** `_entities` representations per operation, over all its `_entities` fields (default 100). */
  maxEntities: number;
  /**
   * Largest cost of one operation, in the upstream requests it may make (see `operationCost`):
   * native pages of each source, ids, representations, users upserted, highlights (default 1000).
   */
  maxCost: number;
  /** Request body bytes (default 1048576). */
  maxBodyBytes: number;
  /** GraphQL requests one tenant may send per minute (default 3000); a tenant may override it. */
  requestsPerMinute: number;
  /** Operation cost one tenant may spend per minute (default 12000); a tenant may override it. */
  costPerMinute: number;
}

/** Who may call the gateway and which sources they may read. */
export interface TenantConfig {
  id: string;
  /** Keys sent as `Authorization: Bearer <key>`; unique across tenants. Empty only in demo mode. */
  apiKeys: string[];
  /** `['*']` or a list of source ids. */
  sources: string[];
  /** Overrides `limits.requestsPerMinute` for this tenant. */
  requestsPerMinute?: number;
  /** Overrides `limits.costPerMinute` for this tenant. */
  costPerMinute?: number;
}

/** The resolved configuration: a validated file with defaults filled, or the demo configuration. */
export interface AppConfig {
  server: {
    /** Listen address, default 127.0.0.1. */
    host: string;
    /** Listen port, default 4000. */
    port: number;
    /** Public base URL (no trailing slash), used for webhook URLs handed to providers. */
    publicUrl?: string;
    /** Whether GraphQL introspection is on; default false in a config file. */
    introspection: boolean;
    /** What a browser gets on GET /graphql: Apollo Sandbox or nothing; default sandbox in demo mode, off otherwise. */
    landingPage?: LandingPage;
    /** Time a client has to send its request headers, ms; default 10000 (DEFAULT_CONNECTION_LIMITS). */
    headersTimeoutMs?: number;
    /**
     * Time a client has to send its whole request, headers and body, ms; default 30000. Not the
     * time to answer it: that is the GraphQL request's upstream deadline.
     */
    requestTimeoutMs?: number;
    /** Concurrent connections one client address (IPv6: its /64) may hold; 0 for no cap; default 256. */
    maxConnectionsPerClient?: number;
    /** On shutdown, how long requests in flight may take to finish before their connections are cut, ms; default 5000. */
    shutdownGraceMs?: number;
  };
  /** Where Prometheus metrics are served; absent: nowhere outside demo mode. */
  metrics?: MetricsConfig;
  /** Signs cursors; at least 32 characters. */
  cursorSecret: string;
  /** Secrets cursors were signed with before a rotation; still accepted until removed. */
  previousCursorSecrets?: string[];
  /** Shared cache; in-process memory when `url` is absent. */
  cache: CacheConfig;
  /** Operation limits; absent or partial means the defaults (DEFAULT_LIMITS). */
  limits?: Partial<OperationLimits>;
  /** Where client webhooks may point beyond public https hosts on port 443; absent means nowhere else. */
  webhooks?: WebhooksConfig;
  /** Live-tail subscriptions (`auditEventAdded`); absent or partial means DEFAULT_LIVE. */
  live?: Partial<LiveConfig>;
  tenants: TenantConfig[];
  sources: SourceConfig[];
  /** true only for the built-in demo configuration, never for a file */
  demo: boolean;
}

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
export const DEFAULT_LIMITS: OperationLimits = {
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
};

const limitsSchema = z
  .strictObject({
    maxDepth: integer(1, 100).default(DEFAULT_LIMITS.maxDepth),
    maxAliases: integer(0, 1000).default(DEFAULT_LIMITS.maxAliases),
    maxDirectives: integer(0, 1000).default(DEFAULT_LIMITS.maxDirectives),
    maxTokens: integer(10, 100_000).default(DEFAULT_LIMITS.maxTokens),
    maxRootFields: integer(1, 1000).default(DEFAULT_LIMITS.maxRootFields),
    maxEntities: integer(1, 100_000).default(DEFAULT_LIMITS.maxEntities),
    maxCost: integer(1, 10_000_000).default(DEFAULT_LIMITS.maxCost),
    maxBodyBytes: integer(1024, 100 * 1_048_576).default(DEFAULT_LIMITS.maxBodyBytes),
    requestsPerMinute: integer(1, 10_000_000).default(DEFAULT_LIMITS.requestsPerMinute),
    costPerMinute: integer(1, 1_000_000_000).default(DEFAULT_LIMITS.costPerMinute),
  })
  .prefault({});

/** The config schema of a provider's sources: the common keys, the provider's own settings and its checks. */
function sourceSchemaOf<const Name extends string, const Kind extends string, Shape extends z.ZodRawShape>(
  provider: ProviderDefinition<Name, Kind, Shape>,
) {
  const schema = z.strictObject({
    id: sourceId,
    provider: z.literal(provider.name),
    baseUrl: provider.defaultBaseUrl === undefined ? httpUrl(provider.baseUrlRequired) : httpUrl().default(provider.defaultBaseUrl),
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
  apiKeys: z.array(text()).min(1, { error: 'at least one key is required' }),
  sources: z.array(text()).min(1, { error: `at least one entry is required — use ["${ALL_SOURCES}"] for every source` }),
  requestsPerMinute: integer(1, 10_000_000).optional(),
  costPerMinute: integer(1, 1_000_000_000).optional(),
});

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
    host: text().default('127.0.0.1'),
    port: integer(0, 65535).default(4000),
    publicUrl: httpUrl().optional(),
    introspection: flag.default(false),
    landingPage: z.enum(LANDING_PAGES, { error: `must be one of ${LANDING_PAGES.join(', ')}` }).optional(),
    headersTimeoutMs: integer(100, 600_000).optional(),
    requestTimeoutMs: integer(100, 3_600_000).optional(),
    maxConnectionsPerClient: integer(0, 1_000_000).optional(),
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

/** The metrics listener: Prometheus text at `GET /metrics`, apart from the public port. */
export interface MetricsConfig {
  /** Listen address, default 127.0.0.1: only a scraper on the same machine reaches it. */
  host: string;
  /** Listen port (0: any free port); no default, so that several instances on one machine all start. */
  port: number;
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  token?: string;
}

const MIN_METRICS_TOKEN_LENGTH = 16;

const metricsSchema = z
  .strictObject({
    host: text().default('127.0.0.1'),
    port: integer(0, 65535),
    token: z
      .string()
      .min(MIN_METRICS_TOKEN_LENGTH, {
        error: `must be at least ${MIN_METRICS_TOKEN_LENGTH} characters — generate one with: openssl rand -base64 24`,
      })
      .optional(),
  })
  .optional();

/**
 * Exceptions to the client-webhook rule (https, port 443, public addresses only), for operators
 * whose receivers live elsewhere. Both lists default to empty.
 */
export interface WebhooksConfig {
  /** Hosts (exact names or IP literals) a webhook may point to whatever they resolve to, e.g. an internal receiver. */
  allowedHosts?: string[];
  /** Ports accepted besides 443, for any host that is otherwise allowed. */
  allowedPorts?: number[];
}

const WEBHOOK_HOST_MESSAGE =
  'must be a host name or IP address in lower case, without scheme, port or path, e.g. hooks.internal.example.com, 10.0.0.5 or [fd00::1]';

const webhooksSchema = z
  .strictObject({
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
    allowedPorts: z.array(integer(1, 65535)).max(100, { error: 'at most 100 ports' }).optional(),
  })
  .optional();

/** Live-tail subscriptions: how the head of each log is polled, and what one client may hold. */
export interface LiveConfig {
  /** How often one poller reads the head of a source's log, ms (a source's `livePollIntervalMs` overrides it). */
  pollIntervalMs: number;
  /**
   * How far behind the newest event a poll reads again, ms: an event that shows up in a
   * provider's log later than newer ones is still delivered when it is at most this much older.
   */
  reorderWindowMs: number;
  /** How long a subscription over several sources holds events to send them in time order, ms (0: not at all). */
  mergeHoldMs: number;
  /** Subscriptions one tenant may hold at once, over all its connections and instances of this process. */
  maxSubscriptionsPerTenant: number;
  /** Subscriptions one WebSocket connection may hold at once. */
  maxSubscriptionsPerConnection: number;
  /** Largest message a client may send over the WebSocket, bytes. */
  maxMessageBytes: number;
  /** How often the server pings each WebSocket; a socket that missed the previous pong is closed, ms. */
  keepAliveMs: number;
  /** How long a client has after connecting to send `connection_init`, ms. */
  connectionInitWaitMs: number;
  /**
   * Messages a subscription may have waiting for a client that reads slower than events come; past
   * that it ends with an error, and the client resumes with `after` (its last cursor), losing nothing.
   */
  maxPendingMessages: number;
}

/** Defaults of the live tail (see the README's defaults table for the reasons). */
export const DEFAULT_LIVE: LiveConfig = {
  pollIntervalMs: 5_000,
  reorderWindowMs: 30_000,
  mergeHoldMs: 1_000,
  maxSubscriptionsPerTenant: 200,
  maxSubscriptionsPerConnection: 25,
  maxMessageBytes: 64 * 1024,
  keepAliveMs: 15_000,
  connectionInitWaitMs: 10_000,
  maxPendingMessages: 1_000,
};

const liveSchema = z
  .strictObject({
    pollIntervalMs: integer(250, 3_600_000).optional(),
    reorderWindowMs: integer(0, 3_600_000).optional(),
    mergeHoldMs: integer(0, 60_000).optional(),
    maxSubscriptionsPerTenant: integer(1, 1_000_000).optional(),
    maxSubscriptionsPerConnection: integer(1, 10_000).optional(),
    maxMessageBytes: integer(1024, 16 * 1024 * 1024).optional(),
    keepAliveMs: integer(1_000, 600_000).optional(),
    connectionInitWaitMs: integer(100, 600_000).optional(),
    maxPendingMessages: integer(10, 1_000_000).optional(),
  })
  .optional();

/** Defaults of the page cache's freshness rules (see the README's "Freshness" section). */
export const DEFAULT_CACHE_FRESHNESS = { settleSeconds: 600, settledPageTtlSeconds: 3600, shareAcrossWalks: true } as const;

const cacheSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^rediss?$/, error: (issue) => (issue.input === undefined ? undefined : 'must be a redis:// or rediss:// URL') })
      .optional(),
    settleSeconds: integer(1, 30 * 86_400).optional(),
    settledPageTtlSeconds: integer(1, 7 * 86_400).optional(),
    shareAcrossWalks: flag.optional(),
    maxBytes: integer(1_048_576, 1_099_511_627_776).optional(),
    maxBytesPerTenant: integer(65_536, 1_099_511_627_776).optional(),
  })
  .refine((cache) => cache.maxBytes === undefined || cache.maxBytesPerTenant === undefined || cache.maxBytesPerTenant <= cache.maxBytes, {
    path: ['maxBytesPerTenant'],
    error: 'must not exceed cache.maxBytes',
  })
  .prefault({});

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

/**
 * Schema of a configuration file (after `${VAR}` interpolation). Unknown keys are errors at
 * every level; the output is an AppConfig without `demo`. Validate with `configErrorMap` so that
 * no message echoes a value from the file.
 */
export const configFileSchema = z
  .strictObject({
    server: serverSchema,
    cursorSecret: cursorSecretSchema,
    previousCursorSecrets: z.array(cursorSecretSchema).max(5, { error: 'keep at most 5 previous secrets' }).optional(),
    cache: cacheSchema,
    limits: limitsSchema,
    tenants: tenantsSchema,
    sources: sourcesSchema,
    webhooks: webhooksSchema,
    metrics: metricsSchema,
    live: liveSchema,
  })
  .superRefine((config, ctx) => {
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
  });

/** The validated file config, before `demo` is added. */
export type ConfigFile = z.output<typeof configFileSchema>;

function keysOf(schema: { shape: object }): string[] {
  return Object.keys(schema.shape);
}

/**
 * The keys accepted at a path of the (raw) config tree, for "unknown key" hints; for a source,
 * the keys of its provider when `provider` is known.
 */
export function allowedConfigKeys(path: ConfigPath, input: unknown): readonly string[] | undefined {
  const [section, index] = path;
  if (path.length === 0) return keysOf(configFileSchema);
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
