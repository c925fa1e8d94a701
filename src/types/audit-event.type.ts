import { GraphQLJSON } from 'graphql-scalars';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { AuditActor } from './audit-actor.type';
import { AuditRequest } from './audit-request.type';
import { AuditTarget } from './audit-target.type';
import { DateTimeScalar } from './date-time.scalar';
import { Node } from './node.interface';
import { Source } from './source.type';

/** One audit event from any provider, normalised. */
// A federation entity: other subgraphs may reference and extend it by its global id.
@Directive('@key(fields: "id")')
@ObjectType('AuditEvent', { implements: Node, simpleResolvers: true, description: 'One audit event from any provider, normalised.' })
export class AuditEvent extends Node {
  // Resolved by AUDIT_EVENT_FIELD_RESOLVERS (audit-event.resolver.ts), installed by build-schema.ts.
  @Field(() => ID, { description: 'Opaque global id: same event, same id, every time.' })
  declare id: string;

  @Field(() => Source)
  source!: Source;

  @Field({ description: "The provider's id; for LogRocket, which has none, a stable synthetic one." })
  nativeId!: string;

  @Field(() => DateTimeScalar, { description: "When it happened: UTC, at the provider's full precision." })
  occurredAt!: string;

  @Field({ description: 'What happened, e.g. "update", "vm.created", "application.delete", "Viewed session".' })
  action!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => AuditActor)
  actor!: AuditActor;

  @Field(() => AuditTarget, { nullable: true })
  target!: AuditTarget | null;

  @Field(() => String, { nullable: true })
  ipAddress!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => AuditRequest, { nullable: true })
  request!: AuditRequest | null;

  @Field(() => GraphQLJSON, { description: "The provider's record exactly as received." })
  raw!: unknown;
}
