import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { AuditGraphError, RequestCancelled } from '../../errors';
import type { GraphQLContext } from '../../services/services';
import { isRequestRefusal } from '../error-masking';

/**
 * Logs every unexpected error with the request id, and puts that id on the masked errors the
 * client receives so support can find the log line. Also sends the errors resolvers reported next
 * to their data (sources left out under PARTIAL).
 */
export function requestErrorsPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName }) {
          contextValue.operation.name = operationName ?? null;
        },
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (original instanceof RequestCancelled) {
              contextValue.logger.debug({ path: error.path }, 'cancelled: the client went away');
            } else if (original instanceof AuditGraphError) {
              contextValue.logger.info({ code: original.code, source: original.sourceId, cause: original.internalCause }, original.message);
            } else if (
              !isRequestRefusal(original) &&
              (error.extensions?.code === undefined || error.extensions.code === 'INTERNAL_SERVER_ERROR')
            ) {
              contextValue.logger.error({ err: original, path: error.path }, 'unexpected error');
            }
          }
        },
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single') return;
          if (contextValue.partialErrors.length > 0) {
            const { singleResult } = response.body;
            singleResult.errors = [
              ...(singleResult.errors ?? []),
              ...contextValue.partialErrors.map(({ error, path }) => ({
                message: error.message,
                path: [...path],
                extensions: { ...error.extensions },
              })),
            ];
          }
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') {
              (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
        },
      };
    },
  };
}
