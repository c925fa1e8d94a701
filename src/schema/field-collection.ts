import { collectFields, collectSubFields, type FieldsAndPatches, type VariableValues } from '@graphql-tools/utils';
import type { FieldNode, FragmentDefinitionNode, GraphQLObjectType, GraphQLSchema, SelectionSetNode } from 'graphql';

/** What field collection reads besides the selections; a GraphQLResolveInfo is one. */
export interface CollectionScope {
  /** The schema the operation was validated against: it decides which fragments apply to a type. */
  readonly schema: GraphQLSchema;
  /** Fragment definitions of the document, by name. */
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  /** Variable values as `@skip`/`@include` read them (coerced, as graphql-js passes them to resolvers). */
  readonly variableValues: Readonly<Record<string, unknown>>;
}

/** Fields selected on objects of one type, by response key: every node selecting that key, in document order. */
export type CollectedFields = ReadonlyMap<string, readonly FieldNode[]>;

// graphql-tools 12 takes variables in graphql 17's `{ coerced, sources }` shape; one wrapper per
// variables object keeps collectSubFields' memo, keyed by the identity of every argument, hitting.
const wrapped = new WeakMap<object, VariableValues>();

function variablesOf(scope: CollectionScope): VariableValues {
  let variables = wrapped.get(scope.variableValues);
  if (!variables) wrapped.set(scope.variableValues, (variables = { coerced: scope.variableValues, sources: {} }));
  return variables;
}

// A deferred fragment's fields still run, only later: they are selected like any other.
function withDeferred({ fields, patches }: FieldsAndPatches): CollectedFields {
  if (patches.length === 0) return fields;
  const all = new Map(fields);
  for (const patch of patches) {
    for (const [key, nodes] of patch.fields) all.set(key, [...(all.get(key) ?? []), ...nodes]);
  }
  return all;
}

/**
 * Fields of `selectionSet` that apply to objects of `type`, as graphql-js collects them when it
 * executes: fragments expanded where their type condition matches `type`, each fragment once,
 * `@skip`/`@include` decided with the scope's variables.
 */
export function collectSelection(scope: CollectionScope, type: GraphQLObjectType, selectionSet: SelectionSetNode): CollectedFields {
  return withDeferred(collectFields(scope.schema, scope.fragments, variablesOf(scope), type, selectionSet));
}

/**
 * Fields selected below `fieldNodes` (the nodes of one response key, or a resolver's
 * `info.fieldNodes`) on objects of `type`, collected as {@link collectSelection} does.
 */
export function collectBelow(scope: CollectionScope, type: GraphQLObjectType, fieldNodes: readonly FieldNode[]): CollectedFields {
  const variables = variablesOf(scope);
  // One node, the usual case, skips collectSubFields' memo: when each selection is collected once,
  // its WeakMaps cost more than they save (the cost walk took 1.7 times as long through it).
  if (fieldNodes.length === 1) {
    const [node] = fieldNodes;
    return node.selectionSet ? withDeferred(collectFields(scope.schema, scope.fragments, variables, type, node.selectionSet)) : new Map();
  }
  // The collector only reads the array; a copy would miss its memo, keyed by the array's identity.
  return withDeferred(collectSubFields(scope.schema, scope.fragments, variables, type, fieldNodes as FieldNode[]));
}
