import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { MapperKind, mapSchema, printSchemaWithDirectives } from '@graphql-tools/utils';
import { graphql, GraphQLSchema, parse, printSchema } from 'graphql';
import { buildSchema, createResolversMap, type PubSub } from 'type-graphql';
import { AuditEventConnectionResolver } from '../resolvers/audit-event-connection.resolver';
import { AUDIT_EVENT_FIELD_RESOLVERS, AuditEventResolver } from '../resolvers/audit-event.resolver';
import { ENTITY_REFERENCE_RESOLVERS } from '../resolvers/entity-reference.resolver';
import { HighlightsResolver } from '../resolvers/highlights.resolver';
import { LiveTailResolver } from '../resolvers/live-tail.resolver';
import { NodeResolver } from '../resolvers/node.resolver';
import { SessionExportResolver } from '../resolvers/session-export.resolver';
import { SourceResolver } from '../resolvers/source.resolver';
import { UserResolver } from '../resolvers/user.resolver';
import { AuditEvent } from '../types/audit-event.type';
import { Highlights } from '../types/highlights.type';
import { nodeTypeOf } from '../types/node.interface';
import { Source } from '../types/source.type';
import { User } from '../types/user.type';

const NO_TOPIC_PUB_SUB: PubSub = {
  publish() {
    throw new Error('auditgraph publishes no topics');
  },
  subscribe() {
    throw new Error('auditgraph subscriptions bring their own subscribe');
  },
};

/** The Apollo Federation version the subgraph SDL links, and what it imports from it. */
export const FEDERATION_LINK = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/**
 * Builds the executable schema: the type-graphql classes, made an Apollo Federation 2 subgraph
 * (`_service`, `_entities`; `AuditEvent`, `User` and `Source` are entities keyed by `id`).
 */
export async function buildAuditGraphSchema(): Promise<GraphQLSchema> {
  const classes = await buildSchema({
    resolvers: [
      AuditEventResolver,
      AuditEventConnectionResolver,
      SourceResolver,
      NodeResolver,
      UserResolver,
      HighlightsResolver,
      SessionExportResolver,
      LiveTailResolver,
    ],
    orphanedTypes: [AuditEvent, Source, User, Highlights],
    validate: false,
    // Every subscription brings its own `subscribe`; type-graphql's topic pub/sub is never used.
    pubSub: NO_TOPIC_PUB_SUB,
  });
  // The classes' SDL (with their `@key` directives) and resolvers, rebuilt as a subgraph.
  const resolvers = createResolversMap(classes) as Record<string, Record<string, unknown>>;
  for (const [type, reference] of Object.entries(ENTITY_REFERENCE_RESOLVERS)) resolvers[type] = { ...resolvers[type], ...reference };
  for (const [type, fields] of Object.entries(AUDIT_EVENT_FIELD_RESOLVERS)) resolvers[type] = { ...resolvers[type], ...fields };
  resolvers.Node = { ...resolvers.Node, __resolveType: nodeTypeOf };
  return buildSubgraphSchema({
    typeDefs: parse(`extend schema ${FEDERATION_LINK}\n\n${printSchemaWithDirectives(classes)}`),
    resolvers: resolvers as never,
  });
}

/** The SDL `_service { sdl }` serves: what a router composes, and what `schema.subgraph.graphql` holds. */
export async function printAuditGraphSchema(): Promise<string> {
  const result = await graphql({ schema: await buildAuditGraphSchema(), source: '{ _service { sdl } }' });
  const sdl = (result.data as { _service?: { sdl?: string } } | null)?._service?.sdl;
  if (typeof sdl !== 'string') throw new Error(`the subgraph schema has no _service.sdl: ${JSON.stringify(result.errors)}`);
  return `${sdl}\n`;
}

const FEDERATION_TYPE = /^(_Any|_Entity|_Service|link__.*|federation__.*)$/;
const FEDERATION_DIRECTIVE = /^(link|key|federation__.*)$/;
const FEDERATION_QUERY_FIELD = /^(_service|_entities)$/;

/**
 * The client API: the built schema without its federation plumbing (`@link`, `@key`,
 * `_service`, `_entities`, `_Any`, `_Entity`, `link__*`, `federation__*`), which is what a
 * frontend compiler such as Relay's accepts.
 */
export function toClientSchema(schema: GraphQLSchema): GraphQLSchema {
  const mapped = mapSchema(schema, {
    [MapperKind.TYPE]: (type) => (FEDERATION_TYPE.test(type.name) ? null : type),
    [MapperKind.DIRECTIVE]: (directive) => (FEDERATION_DIRECTIVE.test(directive.name) ? null : directive),
    [MapperKind.QUERY_ROOT_FIELD]: (field, name) => (FEDERATION_QUERY_FIELD.test(name) ? null : field),
  });
  // Drops the AST nodes that carry the `@link` / `@key` applications along with the extensions.
  const config = mapped.toConfig();
  return new GraphQLSchema({ ...config, astNode: undefined, extensionASTNodes: [] });
}

/** The client SDL, what `schema.graphql` holds. */
export async function printClientSchema(): Promise<string> {
  return `${printSchema(toClientSchema(await buildAuditGraphSchema()))}\n`;
}
