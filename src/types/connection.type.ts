import { Field, ObjectType, type ClassType } from 'type-graphql';
import { PageInfo } from './page-info.type';

/** Relay edge of `TNode`. */
export function EdgeType<TNode extends object>(nodeClass: ClassType<TNode>) {
  @ObjectType()
  abstract class Edge {
    @Field({ description: 'Opaque, signed; valid only for the query that returned it.' })
    cursor!: string;

    @Field(() => nodeClass)
    node!: TNode;
  }
  return Edge;
}

/** Relay connection of `TEdge`. */
export function ConnectionType<TEdge extends object>(edgeClass: ClassType<TEdge>) {
  @ObjectType()
  abstract class Connection {
    @Field(() => [edgeClass])
    edges!: TEdge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return Connection;
}
