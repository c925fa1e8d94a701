import { Field, ID, InterfaceType } from 'type-graphql';

/**
 * The concrete type of a `Node` value, by the fields only that type has. Synchronous on purpose:
 * type-graphql would wrap it in a promise, which compiled execution (graphql-jit) cannot await,
 * so build-schema.ts installs this function itself.
 */
export function nodeTypeOf(value: Record<string, unknown>): string | undefined {
  if ('nativeId' in value) return 'AuditEvent';
  if ('provider' in value) return 'Source';
  if ('requestId' in value && 'sessions' in value) return 'Highlights';
  if ('userId' in value && 'traits' in value) return 'User';
  return undefined;
}

/** Relay's object identification: every object with a global id can be fetched with `node`. */
@InterfaceType('Node', {
  description: 'An object with a global id, fetchable with `node(id:)`.',
  resolveType: nodeTypeOf,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id.' })
  id!: string;
}
