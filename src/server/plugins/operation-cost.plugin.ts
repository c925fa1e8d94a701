import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { AuditGraphError } from '../../errors';
import type { GraphQLContext } from '../../services/services';
import type { RateVerdict } from '../protection/tenant-rate-limiter';
import {
  Kind,
  valueFromASTUntyped,
  type FragmentDefinitionNode,
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
  /** Page size assumed for a connection field without `first`/`last` (the schema's default, 20). */
  readonly defaultPageSize?: number;
  /** Charges an accepted operation's cost to its caller's budget; a refusal answers 429. */
  readonly charge?: (context: GraphQLContext, cost: number) => Promise<RateVerdict>;
}

type Variables = Record<string, unknown> | undefined;

function argumentValue(node: ValueNode, variables: Variables, operation: OperationDefinitionNode): unknown {
  if (node.kind === Kind.VARIABLE) {
    const name = node.name.value;
    if (variables && name in variables) return variables[name];
    const definition = operation.variableDefinitions?.find((d) => d.variable.name.value === name);
    return definition?.defaultValue ? valueFromASTUntyped(definition.defaultValue) : undefined;
  }
  return valueFromASTUntyped(node, variables);
}

/**
 * Cost of a selection: 1 per field, and the cost below a list field multiplied by how many items
 * it can return — `first`/`last` (variables included, so a small literal cannot hide a large
 * variable), the number of `ids`, or the default page size for a connection without either.
 * Fragments are expanded where they are spread, however many times.
 */
export function operationCost(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Variables,
  defaultPageSize = 20,
): number {
  const costOf = (selectionSet: SelectionSetNode | undefined, seen: ReadonlySet<string>): number => {
    if (!selectionSet) return 0;
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += costOf(selection.selectionSet, seen);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments[name];
        // Cycles are rejected by validation already; the guard keeps this total on any input.
        if (fragment && !seen.has(name)) total += costOf(fragment.selectionSet, new Set([...seen, name]));
      } else {
        let multiplier = 1;
        const args = new Map((selection.arguments ?? []).map((a) => [a.name.value, argumentValue(a.value, variables, operation)]));
        const pageArgs = ['first', 'last'].filter((name) => args.has(name) && typeof args.get(name) === 'number');
        if (pageArgs.length > 0) multiplier = Math.max(...pageArgs.map((name) => args.get(name) as number), 0);
        else if (Array.isArray(args.get('ids'))) multiplier = (args.get('ids') as unknown[]).length;
        else if (selection.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'edges')) multiplier = defaultPageSize;
        total += 1 + multiplier * costOf(selection.selectionSet, seen);
      }
    }
    return total;
  };
  return costOf(operation.selectionSet, new Set());
}

/** Root fields of an operation, fragments at the root expanded. */
function rootFieldCount(selectionSet: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, seen: ReadonlySet<string> = new Set()): number {
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
 * Rejects, before anything is resolved, operations whose cost (with the request's variables) or
 * number of root fields is over the limit. Apollo's validation rules cannot do this: they run
 * before variables are known.
 */
export function operationCostPlugin(options: OperationCostOptions): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, contextValue }) {
          if (!operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
          }
          const roots = rootFieldCount(operation.selectionSet, fragments);
          if (roots > options.maxRootFields) {
            throw rejection(`This operation selects ${roots} root fields; the limit is ${options.maxRootFields}. Split it into several requests.`);
          }
          const cost = operationCost(operation, fragments, request.variables, options.defaultPageSize);
          if (cost > options.maxCost) {
            throw rejection(
              `This operation would cost ${cost} (limit ${options.maxCost}): every field counts 1, times the page size or number of ids above it. Ask for smaller pages, fewer fields or fewer aliases.`,
            );
          }
          const verdict = await options.charge?.(contextValue, cost);
          if (verdict && !verdict.allowed) {
            throw new AuditGraphError('RATE_LIMITED', `Your tenant spent its query cost budget for this minute; try again in ${verdict.retryAfterSeconds} s.`, {
              extensions: {
                retryAfter: verdict.retryAfterSeconds,
                http: { status: 429, headers: new HeaderMap([['retry-after', String(verdict.retryAfterSeconds)]]) },
              },
            });
          }
        },
      };
    },
  };
}
