import {
  createSeededRandom,
  planTimestampGroups,
  startAllSimulators,
  startLosantSimulator,
  startNirvanaSimulator,
} from '../../../src/simulators';
import { FIXED_NOW, countBy, fixedClock } from './simulator-test-helpers';

describe('simulator data', () => {
  it('mulberry32 is deterministic per seed', () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const c = createSeededRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('plans 10–15% tied records with a few bursts of 5–30 and the big tie in the middle', () => {
    const groups = planTimestampGroups(createSeededRandom(9), { count: 3000, start: 0, end: 5_184_000, bigTieGroup: 120 });
    expect(groups.reduce((sum, g) => sum + g.size, 0)).toBe(3000);
    const ordinary = groups.filter((g) => g.kind !== 'big');
    const tied = ordinary.filter((g) => g.size > 1).reduce((sum, g) => sum + g.size, 0);
    expect(tied / 2880).toBeGreaterThan(0.09);
    expect(tied / 2880).toBeLessThan(0.17);
    const bursts = ordinary.filter((g) => g.kind === 'burst');
    expect(bursts.length).toBeGreaterThanOrEqual(3);
    expect(bursts.every((g) => g.size >= 5 && g.size <= 30)).toBe(true);
    expect(groups.find((g) => g.kind === 'big')).toMatchObject({ size: 120, at: 2_592_000 });
    expect(groups.map((g) => g.at)).toEqual([...groups.map((g) => g.at)].sort((x, y) => x - y));
  });

  it('generates the same records for the same seed and clock, spanning the requested days', async () => {
    const [a, b, c] = await Promise.all([
      startNirvanaSimulator({ seed: 5, count: 200, now: fixedClock, days: 10 }),
      startNirvanaSimulator({ seed: 5, count: 200, now: fixedClock, days: 10 }),
      startNirvanaSimulator({ seed: 6, count: 200, now: fixedClock, days: 10 }),
    ]);
    try {
      expect(a.records()).toEqual(b.records());
      expect(a.records()).not.toEqual(c.records());
      const times = a.records().map((r) => Date.parse(r.created_at));
      expect(Math.min(...times)).toBeGreaterThanOrEqual(FIXED_NOW.getTime() - 10 * 86_400_000);
      expect(Math.max(...times)).toBeLessThanOrEqual(FIXED_NOW.getTime());
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('puts a big tie group of identical timestamps in the data', async () => {
    const sim = await startLosantSimulator({ count: 100, bigTieGroup: 150, now: fixedClock });
    try {
      expect(sim.records()).toHaveLength(150);
      expect(Math.max(...countBy(sim.records(), (r) => r.creationDate).values())).toBe(150);
    } finally {
      await sim.close();
    }
  });

  it('starts all four with default credentials and ~3000 records each', async () => {
    const sims = await startAllSimulators({ now: fixedClock });
    try {
      expect(sims.logrocket).toMatchObject({ provider: 'logrocket', orgId: 'demo-org', appId: 'web', apiKey: 'lr-demo-key' });
      expect(sims.zendesk).toMatchObject({
        provider: 'zendesk',
        email: 'admin@demo.example',
        apiToken: 'zd-demo-token',
        oauthToken: 'zd-demo-oauth',
        rateLimitPerMinute: 700,
      });
      expect(sims.losant).toMatchObject({ provider: 'losant', orgId: '575ed6e87ae143cd83dc4aa8', apiToken: 'losant-demo-token' });
      expect(sims.nirvana).toMatchObject({ provider: 'nirvana', apiKey: 'nirvana-demo-key' });
      const ports = new Set([sims.logrocket, sims.zendesk, sims.losant, sims.nirvana].map((s) => s.baseUrl));
      expect(ports.size).toBe(4);
      for (const sim of [sims.logrocket, sims.zendesk, sims.losant, sims.nirvana]) {
        expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(sim.records()).toHaveLength(3000);
      }
      const tiedShare = (stamps: string[]): number =>
        [...countBy(stamps, (s) => s).values()].filter((n) => n > 1).reduce((a, b) => a + b, 0) / stamps.length;
      const shares = [
        tiedShare(sims.logrocket.records().map((r) => r.created_date)),
        tiedShare(sims.zendesk.records().map((r) => r.created_at)),
        tiedShare(sims.losant.records().map((r) => r.creationDate)),
        tiedShare(sims.nirvana.records().map((r) => r.created_at)),
      ];
      for (const share of shares) {
        expect(share).toBeGreaterThan(0.09);
        expect(share).toBeLessThan(0.18);
      }
      const logRocketSameMs = tiedShare(sims.logrocket.records().map((r) => r.created_date.slice(0, 23)));
      expect(logRocketSameMs).toBeGreaterThan(shares[0] as number);
    } finally {
      await sims.close();
    }
  });
});
