import type { ApolloServerPlugin } from '@apollo/server';
import { AuditGraphError } from '../../errors';
import type { GraphQLContext } from '../../services/services';

/**
 * Refuses a subscription sent over HTTP with a 400 that says where it runs: over HTTP Apollo
 * would execute it as a query, and its field has no result outside a stream.
 */
export function subscriptionsOverWebSocketPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new AuditGraphError(
            'BAD_USER_INPUT',
            'Subscriptions run over a WebSocket at this same URL (graphql-ws, protocol graphql-transport-ws), not over HTTP.',
            { extensions: { http: { status: 400 } } },
          );
        },
      };
    },
  };
}
