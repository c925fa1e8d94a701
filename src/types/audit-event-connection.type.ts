import { Field, Int, ObjectType } from 'type-graphql';
import { AuditEvent } from './audit-event.type';
import { ConnectionType, EdgeType } from './connection.type';

@ObjectType('AuditEventEdge', { simpleResolvers: true })
export class AuditEventEdge extends EdgeType(AuditEvent) {}

/** A page of a timeline. */
@ObjectType('AuditEventConnection', { description: 'A page of a timeline.' })
export class AuditEventConnection extends ConnectionType(AuditEventEdge) {
  @Field(() => Int, {
    nullable: true,
    description: 'Events matching the filter in the whole timeline; null when no cheap exact count exists.',
  })
  totalCount!: number | null;
}
