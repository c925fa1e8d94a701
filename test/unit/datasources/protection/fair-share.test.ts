import fc from 'fast-check';
import { FairShare, FairShareTimeout } from '../../../../src/datasources/protection/fair-share';

const FAR = Number.POSITIVE_INFINITY;
const tick = () => new Promise((r) => setImmediate(r));

describe('FairShare', () => {
  it('lets a tenant alone use every slot', async () => {
    const share = new FairShare({ slots: 8 });
    const releases = await Promise.all(Array.from({ length: 8 }, () => share.acquire('beta', FAR)));
    expect(share.load).toEqual({ running: 8, waiting: 0 });
    releases.forEach((release) => release());
    expect(share.load).toEqual({ running: 0, waiting: 0 });
  });

  it("starts another tenant's call at once while one tenant's burst waits behind itself", async () => {
    const share = new FairShare({ slots: 8 });
    (await share.acquire('alpha', FAR))();
    const held: (() => void)[] = [];
    const burst = Array.from({ length: 40 }, () => share.acquire('beta', FAR).then((release) => void held.push(release)));
    await tick();
    // Alpha used the source a moment ago: beta holds at most 6 of 8 slots.
    expect(held).toHaveLength(6);
    expect(share.load).toEqual({ running: 6, waiting: 34 });
    const alpha = await share.acquire('alpha', FAR);
    expect(share.load.running).toBe(7);
    alpha();
    while (held.length > 0) {
      held.shift()!();
      await tick();
    }
    await Promise.all(burst);
    expect(share.load).toEqual({ running: 0, waiting: 0 });
  });

  it('serves waiting tenants round-robin when a slot frees', async () => {
    const share = new FairShare({ slots: 1 });
    let current = await share.acquire('a', FAR);
    const order: string[] = [];
    const pending = ['a', 'a', 'a', 'b', 'b', 'c'].map((tenant) =>
      share.acquire(tenant, FAR).then((release) => {
        order.push(tenant);
        current = release;
      }),
    );
    for (let i = 0; i < pending.length; i++) {
      current();
      await tick();
    }
    current();
    await Promise.all(pending);
    expect(order).toEqual(['b', 'c', 'a', 'b', 'a', 'a']);
  });

  it('gives up at the deadline, stops waiting when the caller aborts, and leaves nothing behind', async () => {
    const share = new FairShare({ slots: 1 });
    const held = await share.acquire('a', FAR);
    await expect(share.acquire('b', Date.now() + 30)).rejects.toBeInstanceOf(FairShareTimeout);
    const controller = new AbortController();
    const pending = share.acquire('b', FAR, controller.signal);
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
    expect(share.load).toEqual({ running: 1, waiting: 0 });
    held();
    expect(share.load).toEqual({ running: 0, waiting: 0 });
  });

  it('never runs more than its slots, and grants every waiter once slots free (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 40 }),
        async (slots, tenants) => {
          const share = new FairShare({ slots });
          let peak = 0;
          const calls = tenants.map(async (tenant) => {
            const release = await share.acquire(tenant, FAR);
            peak = Math.max(peak, share.load.running);
            await tick();
            release();
          });
          await Promise.all(calls);
          expect(peak).toBeLessThanOrEqual(slots);
          expect(share.load).toEqual({ running: 0, waiting: 0 });
        },
      ),
      { numRuns: 60 },
    );
  });
});
