import type { AuditEventRecord, EventFilter } from '../../domain/audit-event';
import { AuditGraphError } from '../../errors';
import type { NativePage, NativeQuery } from '../../paging/anchored-scan';
import { pushdownBudget } from '../../paging/event-filter';
import { epochMsOfTimeKey } from '../../paging/time-key';
import type { UpstreamCall } from '../http-client';
import { millisecondsRange } from '../native-time-range';
import { ProviderAdapterBase, type AdapterContext, type NativePlan, type ProviderCapabilities } from '../provider-adapter';
import { LosantClient, type LosantCredentials } from './losant.client';
import { LOSANT_ACTOR_TYPE_OF, mapLosantAuditLog } from './losant.mapper';

/** Losant adapter options. */
export interface LosantAdapterOptions extends AdapterContext, LosantCredentials {}

/** Largest page asked for to read one instant whole (Losant documents no maximum `perPage`). */
const INSTANT_MAX_PAGE = 1000;
/** Calls spent on one instant before giving up on a provider whose tie order keeps changing. */
const INSTANT_MAX_CALLS = 40;

/** Losant ids are MongoDB ObjectIds; it refuses any other id in a filter (HTTP 400). */
const OBJECT_ID = /^[0-9a-f]{24}$/;

/**
 * Which parts of a filter Losant applies natively, as `auditLogFilter` pairs. A field is left to
 * the gateway when one of its values is one Losant refuses (an id that is no ObjectId, an empty
 * value) or cannot express, or when it would not fit in the request's query budget: no Losant log
 * has such a value, so the gateway's own filter finds the truth.
 */
export function losantPushdown(filter: EventFilter): { pairs: [string, string][]; complete: boolean } {
  const pairs: [string, string][] = [];
  let complete = true;
  const fits = pushdownBudget();
  const push = (more: [string, string][]): boolean => {
    if (more.every(([, v]) => v !== '') && fits(more.map(([path, v]) => [`auditLogFilter${path}`, v]))) {
      pairs.push(...more);
      return true;
    }
    complete = false;
    return false;
  };
  if (filter.actions) {
    const parsed = filter.actions.map((a) => /^([^.]+)\.([^.]+)$/.exec(a));
    if (parsed.every((m) => m !== null)) {
      push(
        parsed.flatMap((m, i): [string, string][] => [
          [`[request][${i}][resource]`, m![1]],
          [`[request][${i}][action]`, m![2]],
        ]),
      );
    } else complete = false;
  }
  // One `actor` array is OR-ed, so ids and types cannot both go into it.
  let actorIds = false;
  if (filter.actorIds) {
    if (filter.actorIds.every((id) => OBJECT_ID.test(id)))
      actorIds = push(filter.actorIds.map((id, i): [string, string] => [`[actor][${i}][id]`, id]));
    else complete = false;
  }
  if (filter.actorTypes) {
    const native = filter.actorTypes.map((t) => LOSANT_ACTOR_TYPE_OF[t]);
    if (!actorIds && native.every((t) => t !== undefined)) push(native.map((t, i): [string, string] => [`[actor][${i}][type]`, t!]));
    else complete = false;
  }
  // The schema's target is the secondary target when there is one, which Losant cannot express.
  if (filter.targetIds || filter.targetTypes || filter.ipAddresses) complete = false;
  return { pairs, complete };
}

/**
 * Losant: offset pages whose offsets shift as logs arrive and whose order among equal
 * `creationDate`s changes between calls. Every page is therefore anchored at a time (`start` or
 * `end`) and read from offset 0; an instant that fills a page is read on its own until every id
 * its count promises was seen. `totalCount` is exact.
 */
export class LosantAdapter extends ProviderAdapterBase<LosantAdapterOptions> {
  readonly capabilities: ProviderCapabilities = {
    orders: ['ASC', 'DESC'],
    continuation: 'unstable',
    precision: 'millisecond',
    counts: 'first-page',
  };
  private readonly client: LosantClient;

  constructor(options: LosantAdapterOptions) {
    super(options);
    this.client = new LosantClient(options.ref.id, options.http, options);
  }

  isNativeId(nativeId: string): boolean {
    return /^[0-9a-f]{24}$/i.test(nativeId);
  }

  plan(filter: EventFilter): NativePlan {
    const sourceId = this.ref.id;
    const pushdown = losantPushdown(filter);
    return {
      pushedDown: pushdown.pairs,
      complete: pushdown.complete,
      fetchPage: async (query: NativeQuery, call: UpstreamCall): Promise<NativePage> => {
        const page = await this.client.listAuditLogs(
          {
            sortDirection: query.direction === 'ASC' ? 'asc' : 'desc',
            page: 0,
            perPage: query.pageSize,
            ...millisecondsRange(query),
            filter: pushdown.pairs,
          },
          call,
        );
        const more = page.items.length >= query.pageSize && page.totalCount > page.items.length;
        // Unanchored, a page covers exactly the filter's range: its totalCount counts the query.
        const first = query.anchor === undefined && query.continuation === undefined;
        return {
          events: page.items.map((log) => mapLosantAuditLog(sourceId, log)),
          // Losant's own next page number; the scan re-anchors instead of using it (see `continuation: 'unstable'`).
          continuation: more ? '1' : null,
          bodyBytes: page.bodyBytes,
          ...(first ? { total: page.totalCount } : {}),
        };
      },
      fetchInstant: (timeKey: string, _bounds, call: UpstreamCall) => this.readInstant(timeKey, pushdown.pairs, call),
    };
  }

  /**
   * Every log at exactly one millisecond. Losant reorders ties on every call, so offset pages of
   * one instant overlap and miss: ask for the whole instant in one page when the count allows,
   * and fall back to repeated passes (deduplicated by id) until every counted log was seen.
   */
  private async readInstant(timeKey: string, filter: [string, string][], call: UpstreamCall): Promise<AuditEventRecord[]> {
    const ms = epochMsOfTimeKey(timeKey);
    const seen = new Map<string, AuditEventRecord>();
    const read = async (page: number, perPage: number) => {
      const result = await this.client.listAuditLogs({ sortDirection: 'asc', page, perPage, start: ms, end: ms, filter }, call);
      for (const item of result.items) {
        const event = mapLosantAuditLog(this.ref.id, item);
        if (event.timeKey === timeKey) seen.set(event.nativeId, event);
      }
      return result.totalCount;
    };
    let expected = await read(0, this.pageLimits.max);
    if (seen.size < expected && expected <= INSTANT_MAX_PAGE) {
      try {
        expected = await read(0, expected);
      } catch (error) {
        // A provider that refuses a page this large is read in passes below.
        if (!(error instanceof AuditGraphError) || error.code !== 'UPSTREAM_BAD_RESPONSE') throw error;
      }
    }
    const pages = Math.ceil(expected / this.pageLimits.max);
    for (let call = 0; seen.size < expected && call < INSTANT_MAX_CALLS; call++) {
      expected = await read(call % pages, this.pageLimits.max);
    }
    if (seen.size < expected) {
      throw new AuditGraphError(
        'UPSTREAM_BAD_RESPONSE',
        `Source "${this.ref.id}" did not return every audit log of one instant consistently; try again.`,
        { source: this.ref.id },
      );
    }
    return [...seen.values()];
  }

  async countEvents(filter: EventFilter, call: UpstreamCall): Promise<number | null> {
    const page = await this.client.listAuditLogs(
      {
        sortDirection: 'desc',
        page: 0,
        perPage: 1,
        ...millisecondsRange({ direction: 'ASC', lower: filter.occurredAfter, upper: filter.occurredBefore }),
        filter: losantPushdown(filter).pairs,
      },
      call,
    );
    return page.totalCount;
  }

  async getEvent(nativeId: string, _timeKey: string, call: UpstreamCall): Promise<AuditEventRecord | null> {
    const log = await this.client.getAuditLog(nativeId, call);
    return log === null ? null : mapLosantAuditLog(this.ref.id, log);
  }
}
