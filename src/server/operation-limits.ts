import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ParseOptions, ValidationRule } from 'graphql';
import { DEFAULT_LIMITS, type OperationLimits } from '../config/config.schema';
import type { GraphQLContext } from '../services/services';
import { operationCostPlugin, type OperationCostOptions } from './plugins/operation-cost.plugin';

/** What Apollo Server needs to enforce the operation limits. */
export interface OperationLimitsSetup {
  readonly plugins: ApolloServerPlugin<GraphQLContext>[];
  readonly validationRules: ValidationRule[];
  /** graphql-js's own token limit: a document over it fails to parse, a 400 GRAPHQL_PARSE_FAILED like any syntax error. */
  readonly parseOptions: ParseOptions;
}

/**
 * Depth (fragments flattened), aliases and directives from graphql-armor; tokens from graphql-js's
 * parser; cost, root fields and `_entities` representations, with variables, from our own plugin,
 * since armor's cost rule cannot see variables or page sizes. Everything is checked before any resolver runs, so before any
 * upstream call, and every refusal is a 400.
 */
export function operationLimits(limits: Partial<OperationLimits> = {}, charge?: OperationCostOptions['charge']): OperationLimitsSetup {
  const l = { ...DEFAULT_LIMITS, ...limits };
  const armor = new ApolloArmor({
    maxDepth: { n: l.maxDepth, flattenFragments: true, ignoreIntrospection: true },
    maxAliases: { n: l.maxAliases },
    maxDirectives: { n: l.maxDirectives },
    // Armor's token plugin parses in a hook whose throw Apollo answers with HTTP 500, for every
    // syntax error too; the parser's own limit fails like any syntax error, with a 400.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    // Apollo's own hideSchemaDetailsFromClientErrors hides suggestions when introspection is off.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    plugins: [
      ...(armor.plugins as ApolloServerPlugin<GraphQLContext>[]),
      operationCostPlugin({ maxCost: l.maxCost, maxRootFields: l.maxRootFields, maxEntities: l.maxEntities, charge }),
    ],
    validationRules: armor.validationRules,
    parseOptions: { maxLexicalTokens: l.maxTokens },
  };
}
