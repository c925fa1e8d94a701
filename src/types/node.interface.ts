import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay's object identification: every object with a global id can be fetched with `node`. */
@InterfaceType('Node', {
  description: 'An object with a global id, fetchable with `node(id:)`.',
  resolveType: (value: Record<string, unknown>) => {
    if ('nativeId' in value) return 'AuditEvent';
    if ('provider' in value) return 'Source';
    if ('requestId' in value && 'sessions' in value) return 'Highlights';
    if ('userId' in value && 'traits' in value) return 'User';
    return undefined;
  },
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id.' })
  id!: string;
}
