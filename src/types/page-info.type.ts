import { Field, ObjectType } from 'type-graphql';

/** Relay page information. */
@ObjectType('PageInfo', { simpleResolvers: true, description: 'Relay page information.' })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Resume with `after: endCursor`; on a short page it is where the scan stopped.' })
  endCursor!: string | null;
}
