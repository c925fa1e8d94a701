import { Field, ObjectType } from 'type-graphql';
import { Provider } from './enums';
import { Node } from './node.interface';

/** A configured provider account the caller may read. */
@ObjectType('Source', { implements: Node, description: 'A configured provider account the caller may read.' })
export class Source extends Node {
  @Field({ description: 'The config id, e.g. "zendesk".' })
  name!: string;

  @Field(() => Provider)
  provider!: Provider;
}
