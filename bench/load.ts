import { Agent, request } from 'undici';
import { createSeededRandom } from '../src/simulators/seeded-random';
import { percentile } from './stats';

/** Sources of the simulators, as the default configuration names them. */
export const LOAD_SOURCES = ['logrocket', 'zendesk', 'losant', 'nirvana'] as const;

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** The gateway's `/graphql` URL. */
  readonly url: string;
  /** `Authorization: Bearer` keys of tenants that read every source; client i uses key i mod n. None: no header (demo mode). */
  readonly keys?: readonly string[];
  /** Concurrent clients. */
  readonly clients: number;
  /** How long clients start new work, ms; walks under way then finish. */
  readonly durationMs: number;
  /** Events each source holds (the simulators' seeded count): a completed walk must return exactly these. */
  readonly eventsPerSource: number;
  /** Seeded choice of work, so two runs do the same mix. */
  readonly seed?: number;
  /** Told of progress lines. */
  readonly log?: (line: string) => void;
}

/** What a load run measured. */
export interface LoadReport {
  readonly clients: number;
  readonly seconds: number;
  /** Answered requests (hang-ups excluded). */
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Responses that were not HTTP 200 without errors, by code (`HTTP 429`, `UPSTREAM_TIMEOUT`, …). */
  readonly errors: Readonly<Record<string, number>>;
  readonly walksCompleted: number;
  /** Completed walks that returned some event twice or missed one. */
  readonly walksWrong: number;
  readonly eventsRead: number;
  readonly nodeLookups: number;
  readonly hangUps: number;
}

const PAGE = `query LoadPage($sources: [String!], $first: Int!, $after: String, $order: AuditEventOrder) {
  auditEvents(sources: $sources, first: $first, after: $after, order: $order) {
    edges { cursor node { id nativeId occurredAt action description actor { id name email type } target { id type name } ipAddress userAgent source { name provider } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const NODES = `query LoadNodes($ids: [ID!]!) { nodes(ids: $ids) { id ... on AuditEvent { occurredAt action } } }`;

type Order = 'NEWEST_FIRST' | 'OLDEST_FIRST';

class Recorder {
  readonly latencies: number[] = [];
  readonly errors: Record<string, number> = {};
  walksCompleted = 0;
  walksWrong = 0;
  eventsRead = 0;
  nodeLookups = 0;
  hangUps = 0;

  error(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }
}

/**
 * Many concurrent clients over a gateway, as real traffic is: walks of single sources and of the
 * merged timeline to their end (both orders, pages of 20 to 100, every field), `nodes` lookups of
 * events seen, and clients that hang up mid-request. Every completed walk is checked: each event
 * exactly once, as many as the sources hold. Bounded in time; stops by itself.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { url, clients, durationMs, eventsPerSource } = options;
  const agent = new Agent({ connections: clients * 2, keepAliveTimeout: 30_000 });
  const headersOf = (client: number): Record<string, string> => {
    const key = options.keys?.length ? options.keys[client % options.keys.length] : undefined;
    return { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) };
  };
  const recorder = new Recorder();
  const seen: string[] = [];

  const post = async (
    headers: Record<string, string>,
    query: string,
    variables: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<any | undefined> => {
    const started = performance.now();
    const response = await request(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }), dispatcher: agent, signal });
    const body = (await response.body.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
    recorder.latencies.push(performance.now() - started);
    if (response.statusCode !== 200)
      recorder.error(`HTTP ${response.statusCode}${body.errors?.[0]?.extensions?.code ? ` ${body.errors[0].extensions.code}` : ''}`);
    else if (body.errors?.length) for (const error of body.errors) recorder.error(error.extensions?.code ?? 'unknown');
    return response.statusCode === 200 && !body.errors?.length ? body.data : undefined;
  };

  const walk = async (headers: Record<string, string>, sources: readonly string[], order: Order, first: number): Promise<void> => {
    const ids: string[] = [];
    let after: string | null = null;
    // Enough pages for every event even at the smallest page size, so a walk always ends.
    const maxPages = Math.ceil((eventsPerSource * sources.length) / first) + 5;
    for (let page = 0; page < maxPages; page++) {
      const data = await post(headers, PAGE, { sources, first, after, order });
      if (!data) return;
      const { edges, pageInfo } = data.auditEvents as {
        edges: { node: { id: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      for (const edge of edges) ids.push(edge.node.id);
      recorder.eventsRead += edges.length;
      if (!pageInfo.hasNextPage) {
        recorder.walksCompleted += 1;
        if (new Set(ids).size !== ids.length || ids.length !== eventsPerSource * sources.length) recorder.walksWrong += 1;
        if (seen.length < 5_000) seen.push(...ids.slice(0, 50));
        return;
      }
      after = pageInfo.endCursor;
    }
    recorder.walksWrong += 1;
  };

  const lookUp = async (headers: Record<string, string>, random: () => number): Promise<void> => {
    if (seen.length === 0) return walk(headers, [LOAD_SOURCES[0]], 'NEWEST_FIRST', 100);
    const ids = Array.from({ length: 1 + Math.floor(random() * 20) }, () => seen[Math.floor(random() * seen.length)]);
    const data = await post(headers, NODES, { ids });
    if (!data) return;
    recorder.nodeLookups += ids.length;
    const found = (data.nodes as ({ id: string } | null)[]).map((n) => n?.id);
    if (found.some((id, i) => id !== ids[i])) recorder.error('nodes: wrong or missing event');
  };

  const hangUp = async (headers: Record<string, string>, random: () => number): Promise<void> => {
    const controller = new AbortController();
    const source = LOAD_SOURCES[Math.floor(random() * LOAD_SOURCES.length)];
    const timer = setTimeout(() => controller.abort(), 2 + Math.floor(random() * 40));
    try {
      const response = await request(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: PAGE, variables: { sources: random() < 0.5 ? [source] : [...LOAD_SOURCES], first: 100 } }),
        dispatcher: agent,
        signal: controller.signal,
      });
      await response.body.text();
    } catch {
      recorder.hangUps += 1;
    } finally {
      clearTimeout(timer);
    }
  };

  const stopAt = Date.now() + durationMs;
  const client = async (index: number): Promise<void> => {
    const seeded = createSeededRandom((options.seed ?? 1) * 1000 + index);
    const random = () => seeded.next();
    const headers = headersOf(index);
    while (Date.now() < stopAt) {
      const r = random();
      const order: Order = random() < 0.5 ? 'NEWEST_FIRST' : 'OLDEST_FIRST';
      const first = [20, 50, 100][Math.floor(random() * 3)];
      try {
        if (r < 0.45) await walk(headers, [LOAD_SOURCES[Math.floor(random() * LOAD_SOURCES.length)]], order, first);
        else if (r < 0.65) await walk(headers, [...LOAD_SOURCES], order, 100);
        else if (r < 0.85) await lookUp(headers, random);
        else await hangUp(headers, random);
      } catch (error) {
        recorder.error(`client: ${(error as Error).message}`);
      }
    }
  };

  const began = Date.now();
  const progress = setInterval(
    () =>
      options.log?.(
        `load: ${recorder.latencies.length} requests, ${recorder.walksCompleted} walks, ${Object.values(recorder.errors).reduce((a, b) => a + b, 0)} errors`,
      ),
    5_000,
  );
  try {
    await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  } finally {
    clearInterval(progress);
    await agent.close();
  }
  const seconds = (Date.now() - began) / 1000;
  const sorted = [...recorder.latencies].sort((a, b) => a - b);
  return {
    clients,
    seconds: Math.round(seconds * 10) / 10,
    requests: sorted.length,
    requestsPerSecond: Math.round(sorted.length / seconds),
    p50Ms: Math.round(percentile(sorted, 50) * 10) / 10,
    p99Ms: Math.round(percentile(sorted, 99) * 10) / 10,
    errors: recorder.errors,
    walksCompleted: recorder.walksCompleted,
    walksWrong: recorder.walksWrong,
    eventsRead: recorder.eventsRead,
    nodeLookups: recorder.nodeLookups,
    hangUps: recorder.hangUps,
  };
}
