import type { EntityTypeName, NodeValue } from '../services/node.service';
import type { GraphQLContext } from '../services/services';

/** A federation reference to one of our entities, as a router sends it in `_entities`. */
export interface EntityReference {
  readonly __typename: string;
  readonly id: string;
}

function referenceResolver(type: EntityTypeName) {
  return {
    __resolveReference: (reference: EntityReference, ctx: GraphQLContext): Promise<NodeValue | null> =>
      ctx.services.nodes.entity(ctx, type, reference.id),
  };
}

/**
 * `__resolveReference` of every entity: the router's `_entities` lookups go through the request's
 * node loader, so they are batched, deduplicated and scoped to the caller's tenant like `nodes`.
 */
export const ENTITY_REFERENCE_RESOLVERS = {
  AuditEvent: referenceResolver('AuditEvent'),
  User: referenceResolver('User'),
  Source: referenceResolver('Source'),
} as const satisfies Record<EntityTypeName, unknown>;
