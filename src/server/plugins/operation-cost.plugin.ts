import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { LRUCache } from 'lru-cache';
import { DEFAULT_LIMITS } from '../../config/config.schema';
import { AuditGraphError } from '../../errors';
import type { GraphQLContext } from '../../services/services';
import type { RateVerdict } from '../protection/tenant-rate-limiter';
import { collectBelow, collectSelection, type CollectedFields, type CollectionScope } from '../../schema/field-collection';
import {
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** Limits of the cost rule. */
export interface OperationCostOptions {
  /** Largest cost an operation may have. */
  readonly maxCost: number;
  /** Most root fields an operation may select. */
  readonly maxRootFields: number;
  /** Most `_entities` representations an operation may ask for, over all its `_entities` fields; default DEFAULT_LIMITS.maxEntities. */
  readonly maxEntities?: number;
  /** Page size assumed for a connection field without `first`/`last` (the schema's default, 20). */
  readonly defaultPageSize?: number;
  /** Charges an accepted operation's cost to its caller's budget; a refusal answers 429. */
  readonly charge?: (context: GraphQLContext, cost: number) => Promise<RateVerdict>;
  /** Sources the caller may read (what a timeline without `sources` merges); default: the registry's count for the tenant. */
  readonly visibleSources?: (context: GraphQLContext) => number;
}

/** What the cost rule measures of an operation with given variables. */
interface OperationMeasures {
  readonly roots: number;
  readonly cost: number;
  readonly entities: number;
}

/** Variables longer than this (as JSON) are measured afresh each time rather than kept as a key. */
const MAX_MEMO_VARIABLES_CHARS = 2_048;

/** Most events one native request returns (the providers' largest page). */
export const NATIVE_PAGE_SIZE = 100;

/** What an operation's cost depends on besides the operation itself. */
export interface CostInputs {
  /** The schema the operation was validated against. */
  readonly schema: GraphQLSchema;
  /** Fragment definitions of the document, by name. */
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  /** The request's variables, as sent. */
  readonly variables?: Readonly<Record<string, unknown>>;
  /** Sources the caller may read: what `auditEvents` without `sources` merges. */
  readonly visibleSources: number;
  /** Page size of a connection without `first`/`last`; default 20. */
  readonly defaultPageSize?: number;
}

/** The connection a field sits in: its page size and the sources it reads. */
interface ConnectionScope {
  readonly pageSize: number;
  readonly sources: number;
}

/** A field's price: its own upstream requests, how many items its children are paid for, and the connection below it. */
interface FieldPrice {
  readonly own: number;
  readonly items: number;
  readonly connection?: ConnectionScope;
}

interface Walk extends CostInputs {
  readonly operation: OperationDefinitionNode;
  /** What the field collector reads: the variables as `@skip`/`@include` conditions. */
  readonly collection: CollectionScope;
}

type Arguments = ReadonlyMap<string, unknown>;

/** Native requests for a page of `size` events from one source: one event more than asked tells whether a next page exists. */
function nativePages(size: number): number {
  return Math.ceil((Math.max(size, 0) + 1) / NATIVE_PAGE_SIZE);
}

/** Items of a list argument; GraphQL coerces a single value to a list of one. */
function listLength(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return value === null || value === undefined ? 0 : 1;
}

function pageSizeOf(args: Arguments, walk: Walk): number {
  const sizes = ['first', 'last'].map((name) => args.get(name)).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return sizes.length > 0 ? Math.max(0, ...sizes) : (walk.defaultPageSize ?? 20);
}

function sourcesOf(args: Arguments, walk: Walk): number {
  const requested = args.get('sources');
  if (requested === null || requested === undefined) return walk.visibleSources;
  return Array.isArray(requested) ? new Set(requested).size : 1;
}

const ONE_REQUEST: FieldPrice = { own: 1, items: 1 };
const perItem = (count: number): FieldPrice => ({ own: count, items: count });

/**
 * Upstream requests of every field that makes any, by schema coordinate. Every other field is
 * free: an event's scalars, actor, target, source and raw record come with the event.
 */
const PRICES: Readonly<Record<string, (args: Arguments, walk: Walk, scope: ConnectionScope | undefined) => FieldPrice>> = {
  'Query.auditEvents': (args, walk) => {
    const pageSize = pageSizeOf(args, walk);
    const sources = sourcesOf(args, walk);
    return { own: sources * nativePages(pageSize), items: 1, connection: { pageSize, sources } };
  },
  'AuditEventConnection.totalCount': (_args, _walk, scope) => ({ own: scope?.sources ?? 0, items: 1 }),
  'AuditEventConnection.edges': (_args, _walk, scope) => ({ own: 0, items: scope?.pageSize ?? 0 }),
  'Query.sessionExports': (args, walk) => {
    const pageSize = pageSizeOf(args, walk);
    return { own: nativePages(pageSize), items: 1, connection: { pageSize, sources: 1 } };
  },
  'SessionExportConnection.edges': (_args, _walk, scope) => ({ own: 0, items: scope?.pageSize ?? 0 }),
  'Query.node': () => ONE_REQUEST,
  'Query.nodes': (args) => perItem(listLength(args.get('ids'))),
  'Query._entities': (args) => perItem(listLength(args.get('representations'))),
  'Query.highlights': () => ONE_REQUEST,
  'User.highlights': () => ONE_REQUEST,
  'Mutation.requestHighlights': () => ONE_REQUEST,
  'Mutation.upsertUser': () => ONE_REQUEST,
  'Mutation.upsertUsers': (args) => perItem(listLength(args.get('inputs'))),
};

/** A value as the resolver will see it: variables substituted (their defaults when not sent), at any depth. */
function valueOf(node: ValueNode, walk: Pick<Walk, 'variables' | 'operation'>): unknown {
  if (node.kind === Kind.VARIABLE) {
    const name = node.name.value;
    if (walk.variables && name in walk.variables) return walk.variables[name];
    const definition = walk.operation.variableDefinitions?.find((d) => d.variable.name.value === name);
    return definition?.defaultValue ? valueFromASTUntyped(definition.defaultValue) : undefined;
  }
  if (node.kind === Kind.LIST) return node.values.map((value) => valueOf(value, walk));
  if (node.kind === Kind.OBJECT) return Object.fromEntries(node.fields.map((field) => [field.name.value, valueOf(field.value, walk)]));
  return valueFromASTUntyped(node);
}

// Neither true nor false, nor missing or null (on which the collector throws): it keeps the selection in.
const UNDECIDED = Symbol('undecided');

/**
 * The operation's variables as `@skip`/`@include` read them: a boolean sent, else the default.
 * Anything else (missing, null, not a boolean) graphql-js refuses to execute with, so it decides
 * nothing: it stays undecided, and what it conditions is paid for.
 */
function walkOf(operation: OperationDefinitionNode, inputs: CostInputs): Walk {
  const conditions: Record<string, unknown> = {};
  for (const { variable } of operation.variableDefinitions ?? []) {
    const value = valueOf(variable, { variables: inputs.variables, operation });
    conditions[variable.name.value] = typeof value === 'boolean' ? value : UNDECIDED;
  }
  return { ...inputs, operation, collection: { schema: inputs.schema, fragments: inputs.fragments, variableValues: conditions } };
}

// Deeper than any depth limit allows; reached only by a fragment cycle, which validation rejects.
const MAX_WALK_DEPTH = 1_000;

/** Cost of one item of `type` with what `nodes` select below them: for an interface or union, its dearest possible type. */
function itemCost(
  walk: Walk,
  type: GraphQLNamedType,
  nodes: readonly FieldNode[],
  scope: ConnectionScope | undefined,
  depth: number,
): number {
  if (!nodes.some((node) => node.selectionSet)) return 0;
  if (depth > MAX_WALK_DEPTH) return Number.POSITIVE_INFINITY;
  if (isAbstractType(type)) {
    return Math.max(0, ...walk.schema.getPossibleTypes(type).map((possible) => itemCost(walk, possible, nodes, scope, depth)));
  }
  if (!isObjectType(type)) return 0;
  return fieldsCost(walk, type, collectBelow(walk.collection, type, nodes), scope, depth);
}

/** Cost of the fields collected on an object of `type`, each response key once. */
function fieldsCost(
  walk: Walk,
  type: GraphQLObjectType,
  fields: CollectedFields,
  scope: ConnectionScope | undefined,
  depth: number,
): number {
  let total = 0;
  for (const nodes of fields.values()) {
    const name = nodes[0].name.value;
    const definition = type.getFields()[name];
    // __typename and introspection fields are answered by the gateway alone.
    if (!definition) continue;
    const args = new Map((nodes[0].arguments ?? []).map((a) => [a.name.value, valueOf(a.value, walk)]));
    const price = PRICES[`${type.name}.${name}`]?.(args, walk, scope) ?? { own: 0, items: 1 };
    const below = price.items > 0 ? itemCost(walk, getNamedType(definition.type), nodes, price.connection ?? scope, depth + 1) : 0;
    total += price.own + price.items * below;
  }
  return total;
}

/**
 * What an operation may cost upstream, in native requests, computed from the operation alone
 * (before any resolver runs) with its variables; a small literal cannot hide a large variable.
 *
 * - `auditEvents(first|last: N)` over S sources: S × ceil((N + 1) / 100) (native pages of at
 *   most 100 events; the extra event tells whether a next page exists), plus S for
 *   `totalCount` (one count request per source). S is the number of `sources` named, else
 *   every source the caller may read; N is 20 without `first`/`last`.
 * - `sessionExports(first: N)`: ceil((N + 1) / 100).
 * - `node`: 1; `nodes(ids)`: one per id; `_entities(representations)`: one per representation.
 * - `upsertUser`: 1; `upsertUsers(inputs)`: one per input.
 * - `highlights`, `requestHighlights` and each `User.highlights`: 1.
 * - Every other field is free: scalars and objects of an event come with the event.
 *
 * What is selected below a list is paid once per item: `edges` of a connection per event,
 * `nodes`, `_entities` and `upsertUsers` per id or input (so each user's `highlights` counts).
 * An interface or union item costs as much as its dearest possible type. Fields are collected as
 * graphql-js executes them: fragments expanded where spread, the same response key once
 * however many fragments select it, `@skip`/`@include` honoured when decided; every alias is
 * its own field, so aliases add up.
 */
export function operationCost(operation: OperationDefinitionNode, inputs: CostInputs): number {
  const root = inputs.schema.getRootType(operation.operation);
  if (!root) return 0;
  const walk = walkOf(operation, inputs);
  return fieldsCost(walk, root, collectSelection(walk.collection, root, operation.selectionSet), undefined, 0);
}

/**
 * `_entities` representations an operation asks for, with its variables: the sum over every
 * `_entities` field at its root (each alias on its own; fragments expanded, `@skip`/`@include`
 * honoured when decided, as graphql-js executes them).
 */
export function entityRepresentations(
  operation: OperationDefinitionNode,
  inputs: Pick<CostInputs, 'schema' | 'fragments' | 'variables'>,
): number {
  const root = inputs.schema.getQueryType();
  if (operation.operation !== 'query' || !root) return 0;
  const walk = walkOf(operation, { ...inputs, visibleSources: 0 });
  let total = 0;
  for (const nodes of collectSelection(walk.collection, root, operation.selectionSet).values()) {
    if (nodes[0].name.value !== '_entities') continue;
    const argument = nodes[0].arguments?.find((a) => a.name.value === 'representations');
    total += argument ? listLength(valueOf(argument.value, walk)) : 0;
  }
  return total;
}

/** Root fields of an operation, fragments at the root expanded. */
function rootFieldCount(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  seen: ReadonlySet<string> = new Set(),
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += selection.name.value.startsWith('__') ? 0 : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFieldCount(selection.selectionSet, fragments, seen);
    else if (!seen.has(selection.name.value) && fragments[selection.name.value]) {
      count += rootFieldCount(fragments[selection.name.value].selectionSet, fragments, new Set([...seen, selection.name.value]));
    }
  }
  return count;
}

function rejection(message: string): AuditGraphError {
  return new AuditGraphError('BAD_USER_INPUT', message, { extensions: { http: { status: 400 } } });
}

/**
 * Rejects, before anything is resolved, operations whose cost (with the request's variables),
 * number of root fields or number of `_entities` representations is over the limit. Apollo's
 * validation rules cannot do this: they run before variables are known.
 */
export function operationCostPlugin(options: OperationCostOptions): ApolloServerPlugin<GraphQLContext> {
  const visibleSources =
    options.visibleSources ?? ((context: GraphQLContext) => context.services.registry.visibleTo(context.tenant).length);
  // Apollo hands every request of a cached document the same DocumentNode: its measures, which
  // depend only on the operation, the variables and the visible sources, are kept with it.
  const measured = new WeakMap<OperationDefinitionNode, LRUCache<string, OperationMeasures>>();
  const measure = (
    operation: OperationDefinitionNode,
    document: DocumentNode,
    variables: Readonly<Record<string, unknown>> | undefined,
    schema: GraphQLSchema,
    sources: number,
  ): OperationMeasures => {
    const variablesJson = JSON.stringify(variables ?? {});
    const key = variablesJson.length <= MAX_MEMO_VARIABLES_CHARS ? `${sources}:${variablesJson}` : undefined;
    let memo = measured.get(operation);
    const known = key === undefined ? undefined : memo?.get(key);
    if (known) return known;
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    }
    const measures: OperationMeasures = {
      roots: rootFieldCount(operation.selectionSet, fragments),
      cost: operationCost(operation, { schema, fragments, variables, visibleSources: sources, defaultPageSize: options.defaultPageSize }),
      entities: entityRepresentations(operation, { schema, fragments, variables }),
    };
    if (key !== undefined) {
      if (!memo) measured.set(operation, (memo = new LRUCache({ max: 64 })));
      memo.set(key, measures);
    }
    return measures;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, contextValue, schema }) {
          if (!operation) return;
          const { roots, cost, entities } = measure(operation, document, request.variables, schema, visibleSources(contextValue));
          if (roots > options.maxRootFields) {
            throw rejection(
              `This operation selects ${roots} root fields; the limit is ${options.maxRootFields}. Split it into several requests.`,
            );
          }
          if (cost > options.maxCost) {
            throw rejection(
              `This operation would cost ${cost} upstream requests (limit ${options.maxCost}): each source's native pages of 100 events for \`first\`/\`last\` (plus one per source for \`totalCount\`), one per id, representation, user upserted or highlights asked. Ask for fewer ids, inputs or aliases, or smaller pages.`,
            );
          }
          const maxEntities = options.maxEntities ?? DEFAULT_LIMITS.maxEntities;
          if (entities > maxEntities) {
            throw rejection(
              `This operation asks \`_entities\` for ${entities} representations; the limit is ${maxEntities} per operation. Send them in several requests of at most ${maxEntities}.`,
            );
          }
          const verdict = await options.charge?.(contextValue, cost);
          if (verdict && !verdict.allowed) {
            throw new AuditGraphError(
              'RATE_LIMITED',
              `Your tenant spent its query cost budget for this minute; try again in ${verdict.retryAfterSeconds} s.`,
              {
                extensions: {
                  retryAfter: verdict.retryAfterSeconds,
                  http: { status: 429, headers: new HeaderMap([['retry-after', String(verdict.retryAfterSeconds)]]) },
                },
              },
            );
          }
        },
      };
    },
  };
}
