import { GraphQLJSONObject } from 'graphql-scalars';
import { Directive, Field, ObjectType } from 'type-graphql';
import { Node } from './node.interface';

/** A user as LogRocket knows it. */
// A federation entity: other subgraphs may reference and extend it by its global id.
@Directive('@key(fields: "id")')
@ObjectType('User', {
  implements: Node,
  description:
    'A user as LogRocket knows it. LogRocket cannot be asked for a user, so `node(id)` finds a user only when this tenant upserted it through the gateway within the last 24 hours; otherwise null.',
})
export class User extends Node {
  @Field({ description: 'The id your app identifies the user with.' })
  userId!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => GraphQLJSONObject, { description: 'Every value a string, as LogRocket returns them.' })
  traits!: Record<string, string>;
}
