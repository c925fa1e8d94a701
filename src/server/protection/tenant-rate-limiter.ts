import { createClient } from '@keyv/redis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../../logging/logger';

/** Per-minute budgets of one tenant. */
export interface TenantBudget {
  readonly requestsPerMinute: number;
  readonly costPerMinute: number;
}

/** Options of the inbound limiter. */
export interface TenantRateLimiterOptions {
  /** Budget of a tenant by id. */
  readonly budgetOf: (tenantId: string) => TenantBudget;
  /** `redis://…` to share counters between instances; absent for in-process counters. */
  readonly redisUrl?: string;
  readonly logger: Logger;
}

/** The verdict on a request or a cost. */
export type RateVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

type RedisClient = ReturnType<typeof createClient>;

/**
 * Inbound rate limits per tenant: requests per minute (checked before a request is read) and
 * operation cost per minute (checked once the operation is priced). Counters live in Redis when
 * configured, so every instance draws from one budget; if Redis fails, an in-process limiter
 * takes over (rate-limiter-flexible's insurance), so limits degrade to per instance, never off.
 */
export class TenantRateLimiter {
  private readonly limiters = new Map<string, { shared?: RateLimiterAbstract; local: RateLimiterAbstract }>();
  private readonly client?: RedisClient;
  private connected?: Promise<unknown>;

  constructor(private readonly options: TenantRateLimiterOptions) {
    if (options.redisUrl) {
      this.client = createClient({
        url: options.redisUrl,
        socket: { connectTimeout: 1_000, reconnectStrategy: (retries) => Math.min(retries * 200, 5_000) },
      });
      this.client.on('error', (error: unknown) =>
        options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'rate-limit store unavailable'),
      );
      // Awaited only briefly on first use: while Redis is down the in-process limiter answers.
      this.connected = this.client.connect().catch(() => undefined);
    }
  }

  private limiter(kind: 'requests' | 'cost', points: number): RateLimiterAbstract {
    const key = `${kind}:${points}`;
    let pair = this.limiters.get(key);
    if (!pair) {
      const local = new RateLimiterMemory({ points, duration: 60, keyPrefix: `auditgraph:rl:${kind}` });
      const shared = this.client
        ? new RateLimiterRedis({
            storeClient: this.client,
            useRedisPackage: true,
            points,
            duration: 60,
            keyPrefix: `auditgraph:rl:${kind}`,
            insuranceLimiter: local,
          })
        : undefined;
      pair = { shared, local };
      this.limiters.set(key, pair);
    }
    return pair.shared && this.client?.isReady ? pair.shared : pair.local;
  }

  private async consume(kind: 'requests' | 'cost', tenantId: string, points: number, budget: number): Promise<RateVerdict> {
    if (points <= 0) return { allowed: true };
    if (this.client && !this.client.isReady && this.connected) {
      await Promise.race([this.connected, new Promise((resolve) => setTimeout(resolve, 250).unref())]);
      // Waited once: node-redis retries a dead Redis forever and `connected` would never settle,
      // so every later request would pay the 250 ms. From now on the in-process limiter answers.
      this.connected = undefined;
    }
    try {
      await this.limiter(kind, budget).consume(tenantId, Math.min(points, budget));
      return { allowed: true };
    } catch (error) {
      if (error instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
      // A store fault with no insurance left: never let it fail the request.
      this.options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'rate limiter failed; request allowed');
      return { allowed: true };
    }
  }

  /** One request of the tenant. */
  request(tenantId: string): Promise<RateVerdict> {
    const budget = this.options.budgetOf(tenantId);
    return this.consume('requests', tenantId, 1, budget.requestsPerMinute);
  }

  /** `cost` points of the tenant's cost budget. */
  cost(tenantId: string, cost: number): Promise<RateVerdict> {
    const budget = this.options.budgetOf(tenantId);
    return this.consume('cost', tenantId, cost, budget.costPerMinute);
  }

  async close(): Promise<void> {
    if (!this.client) return;
    if (this.client.isReady) await this.client.quit().catch(() => undefined);
    else await this.client.disconnect().catch(() => undefined);
  }
}
