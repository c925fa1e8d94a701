import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';
import { DEFAULT_LIMITS, type OperationLimits } from '../config/config.schema';
import type { GraphQLContext } from '../services/services';
import { operationCostPlugin, type OperationCostOptions } from './plugins/operation-cost.plugin';

/** What Apollo Server needs to enforce the operation limits. */
export interface OperationLimitsSetup {
  readonly plugins: ApolloServerPlugin<GraphQLContext>[];
  readonly validationRules: ValidationRule[];
}

/**
 * Depth (fragments flattened), aliases, directives and tokens from graphql-armor; cost with
 * variables and root fields from our own plugin, since armor's cost rule cannot see variables
 * or page sizes. Everything is checked before any resolver runs, so before any upstream call.
 */
export function operationLimits(limits: Partial<OperationLimits> = {}, charge?: OperationCostOptions['charge']): OperationLimitsSetup {
  const l = { ...DEFAULT_LIMITS, ...limits };
  const armor = new ApolloArmor({
    maxDepth: { n: l.maxDepth, flattenFragments: true, ignoreIntrospection: true },
    maxAliases: { n: l.maxAliases },
    maxDirectives: { n: l.maxDirectives },
    maxTokens: { n: l.maxTokens },
    costLimit: { enabled: false },
    // Apollo's own hideSchemaDetailsFromClientErrors hides suggestions when introspection is off.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    plugins: [...(armor.plugins as ApolloServerPlugin<GraphQLContext>[]), operationCostPlugin({ maxCost: l.maxCost, maxRootFields: l.maxRootFields, charge })],
    validationRules: armor.validationRules,
  };
}
