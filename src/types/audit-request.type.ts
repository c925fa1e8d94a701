import { Field, Int, ObjectType } from 'type-graphql';

/** The HTTP exchange behind an event, where the provider records it. */
@ObjectType('AuditRequest', { simpleResolvers: true, description: 'The HTTP exchange behind an event, where the provider records it.' })
export class AuditRequest {
  @Field(() => String, { nullable: true })
  method!: string | null;

  @Field(() => String, { nullable: true })
  path!: string | null;

  @Field(() => Int, { nullable: true })
  statusCode!: number | null;
}
