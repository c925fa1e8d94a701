/** Node's server timeouts for a listener: the headers timeout never exceeds the request timeout. */
export interface ListenerTimeouts {
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly connectionsCheckingInterval: number;
}

/** The `createServer` timeout options for the given limits, in ms. */
export function listenerTimeouts(headersTimeoutMs: number, requestTimeoutMs: number): ListenerTimeouts {
  const headersTimeout = Math.min(headersTimeoutMs, requestTimeoutMs);
  return {
    headersTimeout,
    requestTimeout: requestTimeoutMs,
    // Node looks for expired requests every 30 s by default: a dripping client would outlive
    // the timeouts by up to that much.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
  };
}
