import { startAllSimulators, type AllSimulators, type SimulatorBase } from '../../../src/simulators';
import { fixedClock, get } from './simulator-test-helpers';

describe('fault injection', () => {
  let sims: AllSimulators;
  const targets: { name: string; sim: () => SimulatorBase<unknown>; path: string; headers: () => Record<string, string> }[] = [
    {
      name: 'logrocket',
      sim: () => sims.logrocket,
      path: '/v1/orgs/demo-org/apps/web/audit/logs/',
      headers: () => ({ authorization: `token ${sims.logrocket.apiKey}` }),
    },
    {
      name: 'zendesk',
      sim: () => sims.zendesk,
      path: '/api/v2/audit_logs.json?page[size]=5',
      headers: () => ({ authorization: `Bearer ${sims.zendesk.oauthToken}` }),
    },
    {
      name: 'losant',
      sim: () => sims.losant,
      path: `/orgs/575ed6e87ae143cd83dc4aa8/audit-logs`,
      headers: () => ({ authorization: `Bearer ${sims.losant.apiToken}` }),
    },
    {
      name: 'nirvana',
      sim: () => sims.nirvana,
      path: '/v1/audit_logs',
      headers: () => ({ authorization: `Bearer ${sims.nirvana.apiKey}` }),
    },
  ];

  beforeAll(async () => {
    sims = await startAllSimulators({ count: 50, now: fixedClock });
  });
  afterAll(() => sims.close());
  afterEach(() => targets.forEach((t) => t.sim().clearFaults()));

  const call = (t: (typeof targets)[number], path = t.path) => get(`${t.sim().baseUrl}${path}`, t.headers());

  it.each(targets.map((t) => [t.name, t] as const))('%s: injected status in the provider format, then back to normal', async (_name, t) => {
    t.sim().injectFault({ status: 503, times: 2 });
    const answers = [await call(t), await call(t), await call(t)];
    expect(answers.map((a) => a.status)).toEqual([503, 503, 200]);
    const body = answers[0]?.text ?? '';
    if (t.name === 'logrocket') expect(answers[0]?.contentType).toMatch(/^text\/plain/);
    if (t.name === 'losant') expect(JSON.parse(body)).toMatchObject({ type: expect.any(String), message: expect.any(String) });
    if (t.name === 'nirvana') expect(JSON.parse(body)).toEqual({ message: expect.any(String) });
    if (t.name === 'zendesk') {
      expect(JSON.parse(body)).toMatchObject({ error: expect.any(String) });
      expect(answers[1]?.contentType).toMatch(/^text\/plain/);
    }
  });

  it.each(targets.map((t) => [t.name, t] as const))('%s: rate limited with Retry-After', async (_name, t) => {
    t.sim().injectFault({ rateLimited: { retryAfterSeconds: 7 }, times: 1 });
    const limited = await call(t);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('retry-after-ms')).toBe(t.name === 'nirvana' ? '7000' : null);
    expect((await call(t)).status).toBe(200);
  });

  it.each(targets.map((t) => [t.name, t] as const))('%s: malformed 200 bodies do not parse', async (_name, t) => {
    t.sim().injectFault({ malformed: true, times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const answer = await call(t);
      expect(answer.status).toBe(200);
      expect(() => JSON.parse(answer.text)).toThrow();
    }
    expect(() => JSON.parse('x')).toThrow();
  });

  it.each(targets.map((t) => [t.name, t] as const))('%s: dropped connections fail the request', async (_name, t) => {
    t.sim().injectFault({ drop: true, times: 1 });
    await expect(call(t)).rejects.toThrow();
    expect((await call(t)).status).toBe(200);
  });

  it('adds latency, alone or before another fault', async () => {
    const t = targets[3] as (typeof targets)[number];
    t.sim().injectFault({ latencyMs: 150, times: 1 });
    let started = Date.now();
    expect((await call(t)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    t.sim().injectFault({ latencyMs: 100, status: 500, times: 1 });
    started = Date.now();
    expect((await call(t)).status).toBe(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('applies only to matching paths, until cleared, and every request is recorded', async () => {
    const t = targets[1] as (typeof targets)[number];
    const sim = t.sim();
    sim.resetRequests();
    sim.injectFault({ status: 500, pathIncludes: '/audit_logs/' });
    expect((await call(t)).status).toBe(200);
    const id = (sims.zendesk.records()[0] as { id: number }).id;
    expect((await call(t, `/api/v2/audit_logs/${id}.json`)).status).toBe(500);
    expect((await call(t, `/api/v2/audit_logs/${id}.json`)).status).toBe(500);
    sim.clearFaults();
    expect((await call(t, `/api/v2/audit_logs/${id}.json`)).status).toBe(200);
    expect(sim.requests).toHaveLength(4);
    expect(sim.requests[0]).toMatchObject({ method: 'GET', path: '/api/v2/audit_logs.json' });
    expect(sim.requests[0]?.query.get('page[size]')).toBe('5');
    expect(sim.requests[0]?.headers['authorization']).toBe(`Bearer ${sims.zendesk.oauthToken}`);
    sim.resetRequests();
    expect(sim.requests).toHaveLength(0);
  });
});
