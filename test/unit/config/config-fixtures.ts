/** Environment that satisfies every `${VAR}` of VALID_YAML. */
export const VALID_ENV: Record<string, string> = {
  AUDITGRAPH_CURSOR_SECRET: 'cursor-secret-cursor-secret-cursor-secret',
  ACME_GATEWAY_KEY: 'acme-gateway-key',
  LOGROCKET_API_KEY: 'lr-api-key',
  LOGROCKET_MOBILE_API_KEY: 'lr-mobile-api-key',
  ZENDESK_API_TOKEN: 'zd-api-token',
  LOSANT_API_TOKEN: 'losant-api-token',
  NIRVANA_API_KEY: 'nirvana-api-key',
};

/** A config file using every provider, two LogRocket apps included. */
export const VALID_YAML = `
server:
  host: 0.0.0.0
  port: 8080
  publicUrl: https://audit.example.com/
  introspection: true
cursorSecret: \${AUDITGRAPH_CURSOR_SECRET}
cache:
  url: redis://127.0.0.1:6379
tenants:
  - id: acme
    apiKeys: ["\${ACME_GATEWAY_KEY}"]
    sources: ["*"]
  - id: support
    apiKeys: [support-key-1, support-key-2]
    sources: [zendesk, lr-mobile]
sources:
  - id: lr-web
    provider: logrocket
    orgId: acme
    appId: web
    apiKey: \${LOGROCKET_API_KEY}
  - id: lr-mobile
    provider: logrocket
    baseUrl: http://127.0.0.1:9001/
    orgId: acme
    appId: mobile
    apiKey: \${LOGROCKET_MOBILE_API_KEY}
    pageSize: 50
    timeoutMs: 2500
    retries: 0
    maxConnections: 2
  - id: zendesk
    provider: zendesk
    baseUrl: https://acme.zendesk.com
    email: admin@acme.com
    apiToken: \${ZENDESK_API_TOKEN}
  - id: losant
    provider: losant
    orgId: 575ed6e87ae143cd83dc4aa8
    apiToken: \${LOSANT_API_TOKEN}
  - id: nirvana
    provider: nirvana
    baseUrl: https://api.nirvanalabs.io
    apiKey: \${NIRVANA_API_KEY}
`;

/** A minimal valid config as a plain object, fresh on every call, for JSON-based rule tests. */
export function minimalConfig(): Record<string, any> {
  return {
    cursorSecret: 'x'.repeat(32),
    tenants: [{ id: 'acme', apiKeys: ['acme-key'], sources: ['*'] }],
    sources: [
      { id: 'lr-web', provider: 'logrocket', orgId: 'acme', appId: 'web', apiKey: 'lr-key' },
      { id: 'zendesk', provider: 'zendesk', baseUrl: 'https://acme.zendesk.com', email: 'a@acme.com', apiToken: 'zd' },
    ],
  };
}
