import { Agent, request } from 'undici';
import type { AppConfig, SourceConfig } from '../src/config/config.schema';
import type { AllSimulators } from '../src/simulators/index';

/** API key of the bench's single tenant. */
export const BENCH_KEY = 'bench-key-0123456789abcdef';

/** Providers whose native API can list newest-first, which the overhead case needs. */
export const OVERHEAD_SOURCES = ['zendesk', 'nirvana', 'losant'] as const;
/** A source the overhead case can use. */
export type OverheadSource = (typeof OVERHEAD_SOURCES)[number];

/**
 * Source tuning of the bench: the defaults, except that the gateway's own outbound budget per
 * source (Zendesk 300/min by default, to stay inside an account's 700/min) is lifted, because
 * the simulators have no quota and the bench measures the gateway, not a provider's quota.
 */
export const BENCH_TUNING = { requestsPerMinute: 1_000_000 } as const;

/** Gateway configuration over running simulators: one tenant that reads every source. */
export function benchConfig(sources: SourceConfig[]): AppConfig {
  return {
    server: { host: '127.0.0.1', port: 0, introspection: false },
    cursorSecret: 'bench-cursor-secret-0123456789abcdef',
    cache: {},
    // A load generator is not an abusive tenant: its request and cost budgets are lifted too.
    tenants: [{ id: 'bench', apiKeys: [BENCH_KEY], sources: ['*'], requestsPerMinute: 10_000_000, costPerMinute: 1_000_000_000 }],
    sources,
    demo: false,
  };
}

/** A native list request: URL plus the provider's own auth header. */
export interface NativeRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Number of records in a parsed body. */
  count(body: unknown): number;
  /** The request of the page after this one, from this one's parsed body. */
  next(body: unknown): NativeRequest;
}

/**
 * The provider's own first page, newest first, of `size` records: what a client of the REST API
 * would call instead of `auditEvents(sources: [source], first: size)`; its `next` follows the
 * provider's own continuation, as such a client would.
 */
export function nativeFirstPage(sims: Omit<AllSimulators, 'close'>, source: OverheadSource, size: number): NativeRequest {
  const field = (body: unknown, ...path: string[]): unknown => path.reduce<any>((value, key) => value?.[key], body);
  const make = (url: string, authorization: string, list: string, next: (body: unknown) => string): NativeRequest => ({
    url,
    headers: { accept: 'application/json', authorization },
    count: (body) => (field(body, list) as unknown[] | undefined)?.length ?? 0,
    next: (body) => make(next(body), authorization, list, next),
  });
  const param = (url: string, name: string, value: unknown) => {
    if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`no continuation for ${name}`);
    const parsed = new URL(url);
    parsed.searchParams.set(name, String(value));
    return parsed.toString();
  };
  switch (source) {
    case 'zendesk': {
      const { baseUrl, email, apiToken } = sims.zendesk;
      const url = `${baseUrl}/api/v2/audit_logs?page%5Bsize%5D=${size}&sort=-created_at`;
      return make(url, `Basic ${Buffer.from(`${email}/token:${apiToken}`).toString('base64')}`, 'audit_logs', (body) =>
        param(url, 'page[after]', field(body, 'meta', 'after_cursor')),
      );
    }
    case 'nirvana': {
      const { baseUrl, apiKey } = sims.nirvana;
      const url = `${baseUrl}/v1/audit_logs?limit=${size}&sort=created_at%3Adesc`;
      return make(url, `Bearer ${apiKey}`, 'items', (body) => param(url, 'cursor', field(body, 'pagination', 'next_cursor')));
    }
    case 'losant': {
      const { baseUrl, orgId, apiToken } = sims.losant;
      const url = `${baseUrl}/orgs/${orgId}/audit-logs?perPage=${size}&sortField=creationDate&sortDirection=desc&page=0`;
      return make(url, `Bearer ${apiToken}`, 'items', (body) => param(url, 'page', Number(field(body, 'page')) + 1));
    }
  }
}

/** The fields a typical client asks for; the same query is used for every timed gateway request. */
export const PAGE_QUERY = `query BenchPage($sources: [String!], $first: Int!, $after: String, $order: AuditEventOrder) {
  auditEvents(sources: $sources, first: $first, after: $after, order: $order) {
    edges {
      cursor
      node { id nativeId occurredAt action description actor { id name type } target { id type name } ipAddress source { name } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Smallest query that walks a timeline: used where only the paging matters. */
export const WALK_QUERY = `query BenchWalk($sources: [String!], $first: Int!, $after: String, $order: AuditEventOrder) {
  auditEvents(sources: $sources, first: $first, after: $after, order: $order) {
    edges { node { nativeId } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Variables of {@link PAGE_QUERY} / {@link WALK_QUERY}. */
export interface PageVariables {
  sources?: string[];
  first: number;
  after?: string | null;
  order?: 'NEWEST_FIRST' | 'OLDEST_FIRST';
}

/** A page as the bench reads it back. */
export interface PageResult {
  edges: { cursor?: string; node: Record<string, unknown> }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Keep-alive HTTP client shared by the direct and the gateway requests, so both pay the same client costs. */
export class BenchClient {
  readonly agent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });

  /** GET of a native page; resolves with the parsed body. */
  async getJson(native: NativeRequest): Promise<unknown> {
    const response = await request(native.url, { method: 'GET', headers: native.headers, dispatcher: this.agent });
    const body = await response.body.json();
    if (response.statusCode !== 200) throw new Error(`native GET answered ${response.statusCode}: ${JSON.stringify(body).slice(0, 200)}`);
    return body;
  }

  /** POST of a GraphQL query; throws on HTTP or GraphQL errors. */
  async page(url: string, query: string, variables: PageVariables): Promise<PageResult> {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
      body: JSON.stringify({ query, variables }),
      dispatcher: this.agent,
    });
    const body = (await response.body.json()) as { data?: { auditEvents?: PageResult }; errors?: unknown[] };
    if (response.statusCode !== 200 || body.errors || !body.data?.auditEvents) {
      throw new Error(`gateway answered ${response.statusCode}: ${JSON.stringify(body).slice(0, 300)}`);
    }
    return body.data.auditEvents;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
