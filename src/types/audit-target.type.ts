import { Field, ObjectType } from 'type-graphql';

/** What an audited action was done to. */
@ObjectType('AuditTarget', { simpleResolvers: true, description: 'What an audited action was done to.' })
export class AuditTarget {
  @Field(() => String, { nullable: true })
  id!: string | null;

  @Field(() => String, { nullable: true, description: 'The provider\'s type name, e.g. "user", "Device", "vm".' })
  type!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;
}
