import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { request, type Agent } from 'undici';
import { createGuardedAgent } from '../../../src/services/webhook-connect-guard';
import { WebhookUrlPolicy, type HostResolver, type ResolvedAddress } from '../../../src/services/webhook-url-policy';

describe('createGuardedAgent', () => {
  let server: Server;
  let port: number;
  let connections = 0;
  const agents: Agent[] = [];
  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(204).end());
    server.on('connection', (socket: Socket) => {
      connections += 1;
      socket.unref();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    connections = 0;
  });

  const agentOf = (policy: WebhookUrlPolicy) => {
    const agent = createGuardedAgent(policy, { connectTimeoutMs: 2_000 });
    agents.push(agent);
    return agent;
  };
  const fixed =
    (...addresses: string[]): HostResolver =>
    async () =>
      addresses.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  const post = (agent: Agent, url: string) => request(url, { method: 'POST', body: '{}', dispatcher: agent });

  it('never opens a socket to a refused IP literal', async () => {
    const agent = agentOf(new WebhookUrlPolicy({ resolve: fixed('93.184.215.14') }));
    for (const host of ['127.0.0.1', '[::1]', '[::ffff:127.0.0.1]']) {
      await expect(post(agent, `http://${host}:${port}/hook`)).rejects.toMatchObject({ code: 'ERR_WEBHOOK_ADDRESS_REFUSED' });
    }
    expect(connections).toBe(0);
  });

  it('refuses a name whose answer at connect time is not public (DNS rebinding)', async () => {
    let calls = 0;
    const rebinding: HostResolver = async () => [{ address: calls++ === 0 ? '93.184.215.14' : '127.0.0.1', family: 4 }];
    const policy = new WebhookUrlPolicy({ resolve: rebinding, allowedPorts: [port] });
    // Public when accepted, loopback when connected to.
    expect(await policy.accept(`https://rebind.example.com:${port}/hook`)).toBe(`https://rebind.example.com:${port}/hook`);
    await expect(post(agentOf(policy), `http://rebind.example.com:${port}/hook`)).rejects.toMatchObject({
      code: 'ERR_WEBHOOK_ADDRESS_REFUSED',
    });
    expect(calls).toBe(2);
    expect(connections).toBe(0);
  });

  it('refuses a name with any non-public address among its answers', async () => {
    const agent = agentOf(new WebhookUrlPolicy({ resolve: fixed('93.184.215.14', '127.0.0.1') }));
    await expect(post(agent, `http://two.example.com:${port}/hook`)).rejects.toMatchObject({ code: 'ERR_WEBHOOK_ADDRESS_REFUSED' });
    expect(connections).toBe(0);
  });

  it('connects to allowed hosts, and to loopback in demo mode', async () => {
    const allowed = agentOf(new WebhookUrlPolicy({ resolve: fixed('127.0.0.1'), allowedHosts: ['hooks.internal'] }));
    expect((await post(allowed, `http://hooks.internal:${port}/hook`)).statusCode).toBe(204);
    await expect(post(allowed, `http://other.internal:${port}/hook`)).rejects.toMatchObject({ code: 'ERR_WEBHOOK_ADDRESS_REFUSED' });
    const demo = agentOf(new WebhookUrlPolicy({ resolve: fixed('127.0.0.1'), allowLoopback: true }));
    expect((await post(demo, `http://127.0.0.1:${port}/hook`)).statusCode).toBe(204);
    expect((await post(demo, `http://localhost:${port}/hook`)).statusCode).toBe(204);
    expect(connections).toBe(3);
  });
});
