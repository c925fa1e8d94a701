import { Directive, Field, ObjectType } from 'type-graphql';
import { Provider } from './enums';
import { Node } from './node.interface';

/** A configured provider account the caller may read. */
// A federation entity: other subgraphs may reference and extend it by its global id.
@Directive('@key(fields: "id")')
@ObjectType('Source', { implements: Node, simpleResolvers: true, description: 'A configured provider account the caller may read.' })
export class Source extends Node {
  @Field({ description: 'The config id, e.g. "zendesk".' })
  name!: string;

  @Field(() => Provider)
  provider!: Provider;
}
