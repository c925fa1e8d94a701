import { badUserInput } from '../errors';

/** Relay connection arguments as a client sends them. */
export interface ConnectionArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
}

/** What a page request means once the Relay rules are applied. */
export interface PageRequest {
  /** `forward` walks the timeline in the requested order; `backward` walks it in reverse. */
  readonly direction: 'forward' | 'backward';
  /** Number of edges wanted, 0..max. */
  readonly size: number;
  /** The `after` (forward) or `before` (backward) cursor, still encoded. */
  readonly cursor: string | null;
}

/** Limits for page sizes. */
export interface PageLimits {
  /** Default 20. */
  readonly defaultSize: number;
  /** Default 100. */
  readonly maxSize: number;
}

export const DEFAULT_PAGE_LIMITS: PageLimits = { defaultSize: 20, maxSize: 100 };

function checkSize(name: 'first' | 'last', value: number, limits: PageLimits): number {
  if (!Number.isInteger(value) || value < 0) {
    throw badUserInput(`\`${name}\` must be a non-negative integer (got ${value}).`, name);
  }
  if (value > limits.maxSize) {
    throw badUserInput(`\`${name}\` may be at most ${limits.maxSize} (got ${value}); page with the cursors instead.`, name);
  }
  return value;
}

/**
 * Applies the contract's argument rules: `first`/`after` forward, `last`/`before` backward,
 * never mixed; sizes 0..max; default page when neither size is given.
 */
export function parsePageRequest(args: ConnectionArgs, limits: PageLimits = DEFAULT_PAGE_LIMITS): PageRequest {
  const first = args.first ?? null;
  const last = args.last ?? null;
  const after = args.after ?? null;
  const before = args.before ?? null;
  if (first !== null && last !== null) {
    throw badUserInput('Pass either `first` (with `after`) or `last` (with `before`), not both.', 'last');
  }
  if (after !== null && before !== null) {
    throw badUserInput('Pass either `after` (paging forward) or `before` (paging backward), not both.', 'before');
  }
  if (first !== null && before !== null) {
    throw badUserInput('`first` pages forward and takes `after`; to page backward from `before`, use `last`.', 'before');
  }
  if (last !== null && after !== null) {
    throw badUserInput('`last` pages backward and takes `before`; to page forward from `after`, use `first`.', 'after');
  }
  if (last !== null || before !== null) {
    return {
      direction: 'backward',
      size: last === null ? limits.defaultSize : checkSize('last', last, limits),
      cursor: before,
    };
  }
  return {
    direction: 'forward',
    size: first === null ? limits.defaultSize : checkSize('first', first, limits),
    cursor: after,
  };
}
