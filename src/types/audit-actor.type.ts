import { Field, ObjectType } from 'type-graphql';
import { AuditActorType } from './enums';

/** Who performed an audited action. */
@ObjectType('AuditActor', { simpleResolvers: true, description: 'Who performed an audited action.' })
export class AuditActor {
  @Field(() => String, { nullable: true, description: "The provider's id of the actor." })
  id!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => AuditActorType)
  type!: AuditActorType;
}
