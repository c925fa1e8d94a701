import { Field, ObjectType, type ClassType } from 'type-graphql';
import { PageInfo } from './page-info.type';

// Fields are plain properties: `simple` spares graphql-js a resolver wrapper per field and edge.

/** Relay edge of `TNode`. */
export function EdgeType<TNode extends object>(nodeClass: ClassType<TNode>) {
  @ObjectType()
  abstract class Edge {
    @Field({ simple: true, description: 'Opaque, signed; valid only for the query that returned it.' })
    cursor!: string;

    @Field(() => nodeClass, { simple: true })
    node!: TNode;
  }
  return Edge;
}

/** Relay connection of `TEdge`. */
export function ConnectionType<TEdge extends object>(edgeClass: ClassType<TEdge>) {
  @ObjectType()
  abstract class Connection {
    @Field(() => [edgeClass], { simple: true })
    edges!: TEdge[];

    @Field(() => PageInfo, { simple: true })
    pageInfo!: PageInfo;
  }
  return Connection;
}
