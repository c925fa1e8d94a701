import { HeaderMap, type ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LandingPage } from '../config/config.schema';
import { AuditGraphError } from '../errors';

/** How the landing page is set up. */
export interface LandingPageOptions {
  /** `server.landingPage`; absent: sandbox in demo mode, off otherwise. */
  readonly setting?: LandingPage;
  readonly demo: boolean;
  /** The operation Sandbox opens with. */
  readonly document: string;
}

/** The effective `server.landingPage`. */
export function landingPageOf(options: Pick<LandingPageOptions, 'setting' | 'demo'>): LandingPage {
  return options.setting ?? (options.demo ? 'sandbox' : 'off');
}

/**
 * Apollo's embedded Sandbox on GET /graphql for browsers, its endpoint the page's own URL. In demo
 * mode it opens with the sample query; elsewhere with a header placeholder for the tenant key.
 */
export function landingPagePlugin(options: LandingPageOptions): ApolloServerPlugin<BaseContext> {
  if (landingPageOf(options) === 'off') return ApolloServerPluginLandingPageDisabled();
  return ApolloServerPluginLandingPageLocalDefault({
    embed: true,
    document: options.document,
    ...(options.demo ? {} : { headers: { Authorization: 'Bearer <your tenant key>' } }),
    includeCookies: false,
  });
}

/**
 * Serves the landing page to a browser that sent no key (the page is the same for everyone and
 * Sandbox then sends the key the user enters). Answers false, having written nothing, for any
 * request that is not a browser's GET of the page, which then needs a key like any other.
 */
export async function serveLandingPage<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<boolean> {
  const accept = req.headers.accept;
  if (req.method !== 'GET' || !accept || !/text\/html/i.test(accept)) return false;
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'GET', headers: new HeaderMap([['accept', accept]]), search: '', body: undefined },
    context: async () => {
      throw new AuditGraphError('UNAUTHENTICATED', 'Send `Authorization: Bearer <key>` with a key issued to your tenant.');
    },
  });
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/html') || response.body.kind !== 'complete') return false;
  res.writeHead(200, { 'content-type': type, 'x-request-id': requestId });
  res.end(response.body.string);
  return true;
}
