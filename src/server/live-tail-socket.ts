import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GraphQLError,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Tenant, TenantResolver } from '../auth/tenant-resolver';
import type { LiveConfig } from '../config/config.schema';
import { AuditGraphError, type ErrorCode } from '../errors';
import type { Logger } from '../logging/logger';
import type { GatewayMetrics } from '../observability/metrics';
import type { TenantRateLimiter } from './protection/tenant-rate-limiter';
import type { GraphQLContext, Services } from '../services/services';
import { formatError, withoutSchemaSuggestion } from './error-masking';

/** Options of {@link attachLiveTailSocket}. */
export interface LiveTailSocketOptions {
  readonly server: Server;
  readonly schema: GraphQLSchema;
  readonly services: Services;
  readonly tenants: TenantResolver;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly live: LiveConfig;
  /** The operation limits' extra validation rules (depth, aliases, directives) and parser options. */
  readonly validationRules: readonly ValidationRule[];
  readonly parseOptions: ParseOptions;
  /** `server.introspection`: when off, validation errors suggest no schema names, as over HTTP. */
  readonly introspection: boolean;
  /** The tenants' inbound budgets: each subscribe counts as one request, as over HTTP. */
  readonly rateLimiter?: TenantRateLimiter;
  /** Path of the GraphQL endpoint; upgrades elsewhere are refused. Default `/graphql`. */
  readonly path?: string;
}

/** The WebSocket side of a gateway, stopped on shutdown. */
export interface LiveTailSocket {
  /** Closes every socket (1001 Going Away) and stops accepting upgrades. */
  close(): Promise<void>;
  /** Sockets open now. */
  readonly connections: () => number;
}

interface Connection {
  readonly id: string;
  tenant: Tenant | null;
}

function refuse(message: string, code: ErrorCode | 'GRAPHQL_PARSE_FAILED'): readonly GraphQLError[] {
  return [code === 'GRAPHQL_PARSE_FAILED' ? new GraphQLError(message, { extensions: { code } }) : new AuditGraphError(code, message)];
}

/**
 * Serves `auditEventAdded` over graphql-ws (`graphql-transport-ws`) on the GraphQL path of the
 * HTTP server. The tenant key travels in `connection_init` (`{ authorization: "Bearer …" }`):
 * a missing or unknown one closes the socket with 4403 before any subscription starts. Only
 * subscription operations are taken (queries and mutations go over HTTP, where their cost is
 * counted); documents are held to the same parser and validation limits as over HTTP; every
 * error is formatted by the same masking as over HTTP. Sockets are pinged every
 * `live.keepAliveMs` and dropped when a pong is missed; a client message over
 * `live.maxMessageBytes` closes its socket (1009).
 */
export function attachLiveTailSocket(options: LiveTailSocketOptions): LiveTailSocket {
  const path = options.path ?? '/graphql';
  const { live, services, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: live.maxMessageBytes });
  const connections = new WeakMap<WebSocket, Connection>();
  const connectionOf = (socket: WebSocket): Connection => {
    let connection = connections.get(socket);
    if (!connection) connections.set(socket, (connection = { id: randomBytes(9).toString('base64url'), tenant: null }));
    return connection;
  };
  const gauge = () => {
    options.metrics.liveOpen.set({ kind: 'subscriptions' }, services.liveTail.subscriptionCount);
    options.metrics.liveOpen.set({ kind: 'pollers' }, services.liveTail.pollerCount);
  };
  const rules = [...specifiedRules, ...options.validationRules];
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => formatError(error.toJSON(), error));

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    let pathname: string;
    try {
      pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    } catch {
      pathname = '';
    }
    if (pathname !== path && pathname !== `${path}/`) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  options.server.on('upgrade', onUpgrade);

  const disposable = useServer(
    {
      connectionInitWaitTimeout: live.connectionInitWaitMs,
      onConnect: (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const tenant = options.tenants.resolve(typeof header === 'string' ? header : undefined);
        // false: graphql-ws closes with 4403 Forbidden.
        if (!tenant) return false;
        connectionOf(ctx.extra.socket).tenant = tenant;
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = connectionOf(ctx.extra.socket);
        if (!connection.tenant) return refuse('Send connection_init with your key first.', 'UNAUTHENTICATED');
        const verdict = await options.rateLimiter?.request(connection.tenant.id);
        if (verdict && !verdict.allowed) {
          options.metrics.rateLimited.inc({ kind: 'requests', source: '' });
          return [
            new AuditGraphError(
              'RATE_LIMITED',
              `This tenant's request budget is spent; subscribe again in ${verdict.retryAfterSeconds} s.`,
              {
                extensions: { retryAfter: verdict.retryAfterSeconds },
              },
            ),
          ];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, options.parseOptions);
        } catch (error) {
          return refuse(error instanceof GraphQLError ? error.message : 'The document does not parse.', 'GRAPHQL_PARSE_FAILED');
        }
        const invalid = validate(options.schema, document, rules);
        if (invalid.length > 0) {
          return invalid.map(
            (e) =>
              new GraphQLError(options.introspection ? e.message : withoutSchemaSuggestion(e.message), {
                nodes: e.nodes,
                extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
              }),
          );
        }
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return refuse('Name the operation to run: the document holds several, or none.', 'BAD_USER_INPUT');
        if (operation.operation !== 'subscription') {
          return refuse(
            `Only subscriptions run over the WebSocket; send ${operation.operation === 'query' ? 'queries' : 'mutations'} with POST /graphql.`,
            'BAD_USER_INPUT',
          );
        }
        const contextValue: GraphQLContext = {
          requestId: `${connection.id}.${id}`.slice(0, 128),
          tenant: connection.tenant,
          call: { deadline: Number.POSITIVE_INFINITY, tenantId: connection.tenant.id },
          logger: logger.child({ requestId: `${connection.id}.${id}`, tenant: connection.tenant.id }),
          services,
          partialErrors: [],
          operation: { name: operation.name?.value ?? null },
          connectionId: connection.id,
        };
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      onOperation: () => {
        gauge();
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : undefined),
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onComplete: () => {
        gauge();
      },
      onClose: () => {
        gauge();
      },
    },
    wss,
    live.keepAliveMs,
  );
  wss.on('connection', (socket) => socket.on('error', (error) => logger.debug({ err: error.message }, 'live tail socket error')));

  let closing: Promise<void> | undefined;
  return {
    connections: () => wss.clients.size,
    close() {
      closing ??= (async () => {
        options.server.off('upgrade', onUpgrade);
        // graphql-ws closes every socket with 1001 Going Away, which ends its subscriptions.
        await disposable.dispose();
        gauge();
      })();
      return closing;
    },
  };
}
