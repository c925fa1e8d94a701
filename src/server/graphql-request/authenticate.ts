import type { Tenant } from '../../auth/tenant-resolver';
import { serveLandingPage } from '../landing-page';
import { graphqlError, sendJsonAndClose } from '../json-response';
import type { GraphQLExchange, GraphQLRequestDeps } from './exchange';

/**
 * The tenant of the request's key. Without one, a browser gets the landing page (when on) and
 * anyone else a 401 that closes the connection unread; both answer undefined.
 */
export async function authenticate(deps: GraphQLRequestDeps, exchange: GraphQLExchange): Promise<Tenant | undefined> {
  const { req, res, requestId } = exchange;
  const tenant = deps.tenants.resolve(req.headers.authorization);
  if (tenant) return tenant;
  if (deps.landingPage && (await serveLandingPage(deps.apollo, req, res, requestId))) return undefined;
  sendJsonAndClose(
    req,
    res,
    401,
    graphqlError('Send `Authorization: Bearer <key>` with a key issued to your tenant.', 'UNAUTHENTICATED', requestId),
    {
      'www-authenticate': 'Bearer',
      'x-request-id': requestId,
    },
  );
  return undefined;
}
