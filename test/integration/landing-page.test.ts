import type { AppConfig } from '../../src/config/config.schema';
import { createGateway, SAMPLE_QUERY, type Gateway } from '../../src/gateway';
import { silentLogger } from '../../src/logging/logger';
import { harnessConfig, KEYS, startHarness, type Harness } from '../support/gateway-harness';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

/** The JSON config Sandbox is started with, as embedded in the page. */
function sandboxConfig(html: string): Record<string, any> {
  const match = /var embeddedSandboxConfig = (\{.*\});/.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]);
}

describe('the landing page on GET /graphql', () => {
  let harness: Harness;
  const gateways: Gateway[] = [];
  beforeAll(async () => {
    harness = await startHarness({ seed: 81, count: 10 });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await harness.close();
  });

  async function gatewayWith(edit: (config: AppConfig) => AppConfig): Promise<string> {
    const gateway = await createGateway(edit(harnessConfig(harness.sims)), { logger: silentLogger() });
    gateways.push(gateway);
    return gateway.listen();
  }

  it("in demo mode is Apollo Sandbox on the page's own URL, opened with the sample query", async () => {
    const url = await gatewayWith((c) => ({ ...c, demo: true, server: { ...c.server, introspection: true } }));
    const response = await fetch(url, { headers: BROWSER });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('embeddable-sandbox.cdn.apollographql.com');
    expect(html).toContain('var initialEndpoint = window.location.href;');
    const config = sandboxConfig(html);
    expect(config.initialState.document).toBe(SAMPLE_QUERY);
    expect(config.initialState.headers).toBeUndefined();
    expect(config.initialState.includeCookies).toBe(false);
    // Scripts and API clients still get GraphQL at the same URL.
    const api = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ sources { name } }' }),
    });
    expect(((await api.json()) as any).data.sources).toHaveLength(4);
  });

  it('is off by default outside demo mode: a browser without a key gets 401, with a key no HTML', async () => {
    const response = await fetch(harness.url, { headers: BROWSER });
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const withKey = await fetch(harness.url, { headers: { ...BROWSER, authorization: `Bearer ${KEYS.acme}` } });
    expect(withKey.headers.get('content-type')).not.toMatch(/html/);
    expect(await withKey.text()).not.toContain('embeddable-sandbox');
  });

  it('with server.landingPage: sandbox, serves Sandbox to browsers without a key and nothing else', async () => {
    const url = await gatewayWith((c) => ({ ...c, server: { ...c.server, landingPage: 'sandbox' } }));
    const page = await fetch(url, { headers: BROWSER });
    expect(page.status).toBe(200);
    const config = sandboxConfig(await page.text());
    expect(config.initialState.document).toContain('sources');
    expect(config.initialState.headers).toEqual({ Authorization: 'Bearer <your tenant key>' });

    const query = encodeURIComponent('{ sources { name } }');
    const getQuery = await fetch(`${url}?query=${query}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(getQuery.status).toBe(401);
    const post = await fetch(url, {
      method: 'POST',
      headers: { ...BROWSER, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ sources { name } }' }),
    });
    expect(post.status).toBe(401);
  });

  it('with server.landingPage: off, serves no Sandbox even in demo mode', async () => {
    const url = await gatewayWith((c) => ({ ...c, demo: true, server: { ...c.server, landingPage: 'off' } }));
    const response = await fetch(url, { headers: BROWSER });
    expect(await response.text()).not.toContain('embeddable-sandbox');
  });
});
