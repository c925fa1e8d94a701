import type { AuditEventRecord } from '../../../src/domain/audit-event';
import { encodeGlobalId } from '../../../src/domain/global-id';
import type { EventLookup, SourceAdapter } from '../../../src/datasources/source-adapter';
import { SourceRegistry } from '../../../src/datasources/source-registry';
import { AuditGraphError } from '../../../src/errors';
import { silentLogger } from '../../../src/logging/logger';
import { NodeService } from '../../../src/services/node.service';
import type { RequestScope } from '../../../src/services/request-scope';

const TIME = '2024-02-02T20:48:40.376852000Z';

function event(sourceId: string, nativeId: string): AuditEventRecord {
  return {
    sourceId,
    nativeId,
    occurredAt: '2024-02-02T20:48:40.376852Z',
    timeKey: TIME,
    action: 'update',
    description: null,
    actor: { id: null, name: null, email: null, type: 'SYSTEM' },
    target: null,
    ipAddress: null,
    userAgent: null,
    request: null,
    raw: {},
  };
}

const idOf = (sourceId: string, nativeId: string) => encodeGlobalId({ type: 'AuditEvent', sourceId, timeKey: TIME, nativeId });

/** A source with a single-record endpoint that records what it is asked and how many calls overlap. */
function recordSource(id: string, options: { fail?: string } = {}) {
  const asked: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const adapter = {
    ref: { id, provider: 'ZENDESK' },
    async getEvent(nativeId: string) {
      asked.push(nativeId);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      if (nativeId === options.fail) throw new AuditGraphError('UPSTREAM_UNAVAILABLE', 'down', { source: id });
      return nativeId.startsWith('gone') ? null : event(id, nativeId);
    },
    close: async () => undefined,
  } as unknown as SourceAdapter;
  return { adapter, asked, maxInFlight: () => maxInFlight };
}

/** A source without one, answering whole batches. */
function batchSource(id: string) {
  const batches: EventLookup[][] = [];
  const adapter = {
    ref: { id, provider: 'LOGROCKET' },
    getEvent: () => Promise.reject(new Error('not used')),
    async getEvents(lookups: readonly EventLookup[]) {
      batches.push([...lookups]);
      return lookups.map((l) => (l.nativeId.startsWith('gone') ? null : event(id, l.nativeId)));
    },
    close: async () => undefined,
  } as unknown as SourceAdapter;
  return { adapter, batches };
}

function scopeOf(sourceIds: string[]): RequestScope {
  return {
    requestId: 'r-0000001',
    tenant: { id: 't', sourceIds: new Set(sourceIds) },
    call: { deadline: Date.now() + 5000 },
    logger: silentLogger(),
  } as RequestScope;
}

describe('NodeService', () => {
  it('asks a record endpoint once per distinct id, a few at a time, and answers in input order', async () => {
    const zendesk = recordSource('zendesk');
    const service = new NodeService(new SourceRegistry([zendesk.adapter]), {}, { concurrency: 4 });
    const natives = Array.from({ length: 30 }, (_, i) => String(1000 + i));
    const ids = [...natives.map((n) => idOf('zendesk', n)), idOf('zendesk', '1000'), idOf('zendesk', 'gone-1')];
    const results = await Promise.all(service.nodes(scopeOf(['zendesk']), ids));
    expect(results.map((r) => (r as AuditEventRecord | null)?.nativeId ?? null)).toEqual([...natives, '1000', null]);
    expect(zendesk.asked.sort()).toEqual([...natives, 'gone-1'].sort());
    expect(zendesk.maxInFlight()).toBeLessThanOrEqual(4);
  });

  it('fails only the ids an upstream error concerns', async () => {
    const zendesk = recordSource('zendesk', { fail: '2' });
    const service = new NodeService(new SourceRegistry([zendesk.adapter]));
    const settled = await Promise.allSettled(
      service.nodes(
        scopeOf(['zendesk']),
        ['1', '2', '3'].map((n) => idOf('zendesk', n)),
      ),
    );
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  it('hands a source without a record endpoint all its lookups of a tick in one batch', async () => {
    const logrocket = batchSource('logrocket');
    const zendesk = recordSource('zendesk');
    const service = new NodeService(new SourceRegistry([logrocket.adapter, zendesk.adapter]));
    const scope = scopeOf(['logrocket', 'zendesk']);
    const [a, b, c] = await Promise.all([
      service.node(scope, idOf('logrocket', 'a')),
      service.node(scope, idOf('zendesk', '7')),
      ...service.nodes(scope, [idOf('logrocket', 'b'), idOf('logrocket', 'a')]),
    ]);
    expect([a, b, c].map((r) => (r as AuditEventRecord).nativeId)).toEqual(['a', '7', 'b']);
    expect(logrocket.batches).toEqual([
      [
        { nativeId: 'a', timeKey: TIME },
        { nativeId: 'b', timeKey: TIME },
      ],
    ]);
  });

  it('keeps lookups per request and per tenant: no answer crosses requests, an unreadable source is null without a call', async () => {
    const zendesk = recordSource('zendesk');
    const service = new NodeService(new SourceRegistry([zendesk.adapter]));
    const id = idOf('zendesk', '5');
    await service.node(scopeOf(['zendesk']), id);
    await service.node(scopeOf(['zendesk']), id);
    expect(zendesk.asked).toEqual(['5', '5']);
    expect(await service.node(scopeOf([]), id)).toBeNull();
    expect(zendesk.asked).toHaveLength(2);
  });

  it('resolves a federation reference only for an id of the type asked, as a copy', async () => {
    const zendesk = recordSource('zendesk');
    const service = new NodeService(new SourceRegistry([zendesk.adapter]));
    const scope = scopeOf(['zendesk']);
    const id = idOf('zendesk', '9');
    const entity = await service.entity(scope, 'AuditEvent', id);
    expect(entity).toMatchObject({ nativeId: '9' });
    expect(entity).not.toBe(await service.node(scope, id));
    expect(await service.entity(scope, 'User', id)).toBeNull();
    expect(await service.entity(scope, 'Source', encodeGlobalId({ type: 'Source', sourceId: 'zendesk' }))).toMatchObject({
      name: 'zendesk',
    });
  });
});
