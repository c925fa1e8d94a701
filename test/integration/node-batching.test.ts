import { encodeGlobalId } from '../../src/domain/global-id';
import { KEYS, startHarness, type Harness } from '../support/gateway-harness';
import type { SourceName } from '../support/timeline';

const EVENTS_QUERY = `query Events($sources: [String!], $first: Int, $last: Int, $order: AuditEventOrder) {
  auditEvents(sources: $sources, first: $first, last: $last, order: $order) { edges { node { id nativeId action occurredAt source { name } } } }
}`;

const NODES_QUERY = `query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) { __typename id ... on AuditEvent { nativeId action occurredAt source { name } } ... on Source { name } }
}`;

interface EventNode {
  id: string;
  nativeId: string;
  action: string;
  occurredAt: string;
  source: { name: string };
}

function total(upstream: Map<string, number>, sources?: string[]): number {
  return [...upstream.entries()].filter(([id]) => !sources || sources.includes(id)).reduce((sum, [, n]) => sum + n, 0);
}

describe('nodes(ids) over several sources, batched per request', () => {
  let harness: Harness;
  const events = new Map<SourceName, EventNode[]>();

  beforeAll(async () => {
    harness = await startHarness({ seed: 41, count: 300 });
    const read = async (source: SourceName, variables: Record<string, unknown>) => {
      const response = await harness.gql(EVENTS_QUERY, { sources: [source], order: 'OLDEST_FIRST', ...variables });
      expect(response.errors).toBeUndefined();
      return response.data!.auditEvents.edges.map((e: { node: EventNode }) => e.node) as EventNode[];
    };
    for (const source of ['zendesk', 'losant', 'nirvana'] as const) events.set(source, await read(source, { first: 40 }));
    // LogRocket ids from both ends of its timeline: two places in time, far apart.
    events.set('logrocket', [...(await read('logrocket', { first: 5 })), ...(await read('logrocket', { last: 5 }))]);
  });
  afterAll(() => harness.close());

  /** 50 ids: 46 events of four sources, one of them twice, a source, a well-formed id of nothing and a malformed id. */
  function fiftyIds() {
    const picked = [
      ...events.get('zendesk')!.slice(0, 12),
      ...events.get('losant')!.slice(0, 12),
      ...events.get('nirvana')!.slice(0, 12),
      ...events.get('logrocket')!,
    ];
    const missing = encodeGlobalId({
      type: 'AuditEvent',
      sourceId: 'zendesk',
      timeKey: '2020-01-01T00:00:00.000000000Z',
      nativeId: '999999999999',
    });
    const ids = [
      ...picked.map((e) => e.id),
      picked[3].id,
      encodeGlobalId({ type: 'Source', sourceId: 'losant' }),
      missing,
      'not-a-global-id',
    ];
    expect(ids).toHaveLength(50);
    return { ids, picked, missing };
  }

  it('answers in input order with null for what does not exist, making no more upstream calls than distinct ids', async () => {
    const { ids, picked, missing } = fiftyIds();
    harness.upstream.clear();
    const response = await harness.gql(NODES_QUERY, { ids });
    expect(response.errors).toBeUndefined();
    const nodes = response.data!.nodes as (EventNode | null)[];
    expect(nodes).toHaveLength(ids.length);
    picked.forEach((event, i) => expect(nodes[i]).toEqual({ __typename: 'AuditEvent', ...event }));
    expect(nodes[46]).toEqual(nodes[3]);
    expect(nodes[47]).toEqual({ __typename: 'Source', id: ids[47], name: 'losant' });
    expect(ids[48]).toBe(missing);
    expect(nodes[48]).toBeNull();
    expect(nodes[49]).toBeNull();

    const distinctLookups = new Set(ids).size - 2; // the source and the malformed id need no call
    const calls = Object.fromEntries(harness.upstream);
    // Single-record endpoints: exactly one call per distinct id, duplicates included only once.
    expect(calls.zendesk).toBe(12 + 1);
    expect(calls.losant).toBe(12);
    expect(calls.nirvana).toBe(12);
    // LogRocket has no record endpoint: one native read per place in time, not one per event.
    expect(calls.logrocket).toBeLessThanOrEqual(2);
    expect(total(harness.upstream)).toBeLessThanOrEqual(distinctLookups);
    process.stdout.write(
      `[nodes] 50 ids (${distinctLookups} distinct lookups): ${JSON.stringify(calls)} = ${total(harness.upstream)} upstream calls\n`,
    );
  });

  it('takes events a timeline page of the same request already read, without calling upstream for them', async () => {
    const { ids } = fiftyIds();
    // Nodes first in the document: lookups still wait for the page that reads their sources.
    const query = `query Both($ids: [ID!]!) {
      nodes(ids: $ids) { id ... on AuditEvent { action } }
      auditEvents(sources: ["zendesk", "losant", "nirvana"], first: 100, order: OLDEST_FIRST) { edges { node { id action } } }
    }`;
    harness.upstream.clear();
    const alone = await harness.gql(NODES_QUERY, { ids });
    expect(alone.errors).toBeUndefined();
    const aloneCalls = total(harness.upstream, ['zendesk', 'losant', 'nirvana']);

    harness.upstream.clear();
    const both = await harness.gql(query, { ids });
    expect(both.errors).toBeUndefined();
    const page = new Map<string, string>(
      both.data!.auditEvents.edges.map((e: { node: { id: string; action: string } }) => [e.node.id, e.node.action]),
    );
    const nodes = both.data!.nodes as ({ id: string; action?: string } | null)[];
    nodes.forEach((node, i) => {
      if (node && page.has(ids[i])) expect(node).toEqual({ id: ids[i], action: page.get(ids[i]) });
    });
    const calls = total(harness.upstream, ['zendesk', 'losant', 'nirvana']);
    // The page is read in a few list calls (or from the page cache); only the id of nothing costs a record call.
    expect(calls).toBeLessThan(aloneCalls);
    expect(calls).toBeLessThanOrEqual(2 * 3 + 1);
    process.stdout.write(
      `[nodes] with a timeline page in the same request: ${calls} upstream calls for zendesk/losant/nirvana (alone: ${aloneCalls})\n`,
    );
  });

  it('gives a tenant null for ids of sources it may not read, as for ids of nothing, without calling those sources', async () => {
    const { ids, missing } = fiftyIds();
    harness.upstream.clear();
    const response = await harness.gql(NODES_QUERY, { ids }, KEYS.beta);
    expect(response.errors).toBeUndefined();
    const nodes = response.data!.nodes as (EventNode | null)[];
    ids.forEach((id, i) => {
      const zendesk = events.get('zendesk')!.some((e) => e.id === id);
      if (zendesk) expect(nodes[i]?.id).toBe(id);
      else expect(nodes[i]).toBeNull();
    });
    expect(nodes[ids.indexOf(missing)]).toBeNull();
    expect([...harness.upstream.keys()]).toEqual(['zendesk']);
  });

  it('looks an id up once per request, however often node and nodes ask for it', async () => {
    const event = events.get('nirvana')![30];
    harness.upstream.clear();
    const response = await harness.gql(
      `query Same($id: ID!) { a: node(id: $id) { id } b: node(id: $id) { id } nodes(ids: [$id, $id]) { id } }`,
      { id: event.id },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ a: { id: event.id }, b: { id: event.id }, nodes: [{ id: event.id }, { id: event.id }] });
    expect(Object.fromEntries(harness.upstream)).toEqual({ nirvana: 1 });
  });
});
