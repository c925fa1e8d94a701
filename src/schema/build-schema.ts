import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuditEventConnectionResolver } from '../resolvers/audit-event-connection.resolver';
import { AuditEventResolver } from '../resolvers/audit-event.resolver';
import { NodeResolver } from '../resolvers/node.resolver';
import { SourceResolver } from '../resolvers/source.resolver';
import { AuditEvent } from '../types/audit-event.type';
import { Source } from '../types/source.type';

/** Builds the executable schema from the type-graphql classes. */
export async function buildAuditGraphSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [AuditEventResolver, AuditEventConnectionResolver, SourceResolver, NodeResolver],
    orphanedTypes: [AuditEvent, Source],
    validate: false,
  });
}

/** The SDL committed as `schema.graphql`. */
export async function printAuditGraphSchema(): Promise<string> {
  return `${printSchema(await buildAuditGraphSchema())}\n`;
}
