import type { SeededRandom } from './seeded-random';

/** Why a group of records shares one timestamp. */
export type TieKind = 'single' | 'pair' | 'burst' | 'big';

/** `size` records that share the timestamp `at` (in whatever unit the caller chose). */
export interface TimestampGroup {
  at: number;
  size: number;
  kind: TieKind;
}

/** Input of {@link planTimestampGroups}; `start`/`end` are inclusive, in the provider's precision unit. */
export interface TimestampPlanOptions {
  count: number;
  start: number;
  end: number;
  /** One extra-large tie placed in the middle of the range; part of `count`. */
  bigTieGroup?: number;
  /** Chance that a group is a pair or triple rather than a single (default 0.05). */
  pairProbability?: number;
}

const DEFAULT_PAIR_PROBABILITY = 0.05;
const BURST_MIN = 5;
const BURST_MAX = 30;

/**
 * Spreads `count` records over [start, end] in groups sorted by time: mostly singles, some pairs
 * and triples, a few bursts of 5–30, plus the optional big tie, so that about 10–15% of records
 * share their timestamp with a neighbour.
 */
export function planTimestampGroups(random: SeededRandom, options: TimestampPlanOptions): TimestampGroup[] {
  const big = Math.max(0, Math.floor(options.bigTieGroup ?? 0));
  const count = Math.max(Math.floor(options.count), big);
  let remaining = count - big;
  const sizes: { size: number; kind: TieKind }[] = [];

  const bursts = remaining < 40 ? 0 : Math.min(6, 1 + Math.floor(remaining / 1000));
  for (let i = 0; i < bursts && remaining > 0; i += 1) {
    const size = Math.min(remaining, random.int(BURST_MIN, BURST_MAX));
    sizes.push({ size, kind: 'burst' });
    remaining -= size;
  }
  while (remaining > 0) {
    if (random.chance(options.pairProbability ?? DEFAULT_PAIR_PROBABILITY)) {
      const size = Math.min(remaining, random.chance(0.7) ? 2 : 3);
      sizes.push({ size, kind: size > 1 ? 'pair' : 'single' });
      remaining -= size;
    } else {
      sizes.push({ size: 1, kind: 'single' });
      remaining -= 1;
    }
  }
  random.shuffle(sizes);

  const used = new Set<number>();
  const span = Math.max(0, options.end - options.start);
  const groups: TimestampGroup[] = [];
  if (big > 0) {
    let at = options.start + Math.floor(span / 2);
    while (used.has(at)) at += 1;
    used.add(at);
    groups.push({ at, size: big, kind: 'big' });
  }
  for (const { size, kind } of sizes) {
    let at = options.start + random.int(0, span);
    // Distinct group times keep the tie statistics as planned; tiny ranges may still collide.
    for (let attempt = 0; attempt < 20 && used.has(at); attempt += 1) at = options.start + random.int(0, span);
    used.add(at);
    groups.push({ at, size, kind });
  }
  return groups.sort((a, b) => a.at - b.at);
}
