import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuditEventConnectionResolver } from '../resolvers/audit-event-connection.resolver';
import { AuditEventResolver } from '../resolvers/audit-event.resolver';
import { HighlightsResolver } from '../resolvers/highlights.resolver';
import { NodeResolver } from '../resolvers/node.resolver';
import { SessionExportResolver } from '../resolvers/session-export.resolver';
import { SourceResolver } from '../resolvers/source.resolver';
import { UserResolver } from '../resolvers/user.resolver';
import { AuditEvent } from '../types/audit-event.type';
import { Highlights } from '../types/highlights.type';
import { Source } from '../types/source.type';
import { User } from '../types/user.type';

/** Builds the executable schema from the type-graphql classes. */
export async function buildAuditGraphSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      AuditEventResolver,
      AuditEventConnectionResolver,
      SourceResolver,
      NodeResolver,
      UserResolver,
      HighlightsResolver,
      SessionExportResolver,
    ],
    orphanedTypes: [AuditEvent, Source, User, Highlights],
    validate: false,
  });
}

/** The SDL committed as `schema.graphql`. */
export async function printAuditGraphSchema(): Promise<string> {
  return `${printSchema(await buildAuditGraphSchema())}\n`;
}
