import { createServer, type AddressInfo } from 'node:net';
import type { AppConfig } from '../../src/config/config.schema';
import { parseConfig } from '../../src/config/load-config';
import { createGateway, type Gateway, type GatewayDependencies } from '../../src/gateway';
import { silentLogger } from '../../src/logging/logger';
import { startLogRocketSimulator, type LogRocketSimulator, type LogRocketSimulatorOptions } from '../../src/simulators/logrocket.simulator';
import { CURSOR_SECRET, type GraphQLResponse } from './gateway-harness';

/** Tenants of the REST harness and what each may read. */
export const REST_KEYS = {
  /** `lr-web` and `zendesk`: exactly one LogRocket source. */
  solo: 'solo-key-0123456789',
  /** Everything: two LogRocket sources. */
  multi: 'multi-key-0123456789',
  /** `lr-web` only: a second tenant on the same source. */
  other: 'other-key-0123456789',
  /** `zendesk` only: no LogRocket source. */
  none: 'none-key-0123456789',
} as const;

/** Two LogRocket simulators (`lr-web`, `lr-mobile`) and a gateway, on loopback. */
export interface RestHarness {
  readonly web: LogRocketSimulator;
  readonly mobile: LogRocketSimulator;
  readonly gateway: Gateway;
  readonly config: AppConfig;
  /** `http://127.0.0.1:port` of the gateway. */
  readonly origin: string;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** Options of {@link startRestHarness}. */
export interface RestHarnessOptions {
  readonly sim?: LogRocketSimulatorOptions;
  /** Configure `server.publicUrl` as the gateway's own loopback URL. */
  readonly publicUrl?: boolean;
  /** Demo mode: no keys (every request is the first tenant, `solo`), http loopback webhooks allowed. */
  readonly demo?: boolean;
  readonly gateway?: Partial<GatewayDependencies>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const TUNING = { timeoutMs: 5_000, retries: 0 };

export async function startRestHarness(options: RestHarnessOptions = {}): Promise<RestHarness> {
  const simOptions = { count: 20, highlightDelayMs: 150, exportCount: 57, ...options.sim };
  const web = await startLogRocketSimulator({ ...simOptions, appId: 'web' });
  const mobile = await startLogRocketSimulator({ ...simOptions, appId: 'mobile' });
  const port = await freePort();
  // Parsed like a configuration file, so every default (tuning, limits) is filled in.
  const parsed = parseConfig(
    JSON.stringify({
      server: { host: '127.0.0.1', port, ...(options.publicUrl ? { publicUrl: `http://127.0.0.1:${port}` } : {}) },
      cursorSecret: CURSOR_SECRET,
      tenants: [
        { id: 'solo', apiKeys: [REST_KEYS.solo], sources: ['lr-web', 'zendesk'] },
        { id: 'multi', apiKeys: [REST_KEYS.multi], sources: ['*'] },
        { id: 'other', apiKeys: [REST_KEYS.other], sources: ['lr-web'] },
        { id: 'none', apiKeys: [REST_KEYS.none], sources: ['zendesk'] },
      ],
      sources: [
        { id: 'lr-web', provider: 'logrocket', baseUrl: web.baseUrl, orgId: web.orgId, appId: web.appId, apiKey: web.apiKey, ...TUNING },
        {
          id: 'lr-mobile',
          provider: 'logrocket',
          baseUrl: mobile.baseUrl,
          orgId: mobile.orgId,
          appId: mobile.appId,
          apiKey: mobile.apiKey,
          ...TUNING,
        },
        // Never called by these tests: it only has to exist.
        { id: 'zendesk', provider: 'zendesk', baseUrl: 'http://127.0.0.1:9', email: 'admin@example.com', apiToken: 'zd-token', ...TUNING },
      ],
    }),
    { format: 'json', env: {} },
  );
  const config: AppConfig = { ...parsed, demo: options.demo ?? false };
  const gateway = await createGateway(config, { logger: silentLogger(), ...options.gateway });
  const url = await gateway.listen();
  return {
    web,
    mobile,
    gateway,
    config,
    origin: new URL(url).origin,
    async gql(query, variables, key = REST_KEYS.solo) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: any[] };
      return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
    },
    async close() {
      await gateway.close();
      await web.close();
      await mobile.close();
    },
  };
}

/** Requests a simulator received on one REST endpoint (`/users/`, `/highlights/`, `/data-export/`). */
export function restRequests(sim: LogRocketSimulator, endpoint: string, method?: string) {
  return sim.requests.filter((r) => r.path.includes(endpoint) && (method === undefined || r.method === method));
}

/** Resolves when `check` holds, polling every 20 ms; fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
