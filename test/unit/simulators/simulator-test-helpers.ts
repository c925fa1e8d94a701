/** A fixed instant so generated data is identical on every run. */
export const FIXED_NOW = new Date('2025-03-01T12:00:00.000Z');

/** A clock frozen at {@link FIXED_NOW}. */
export const fixedClock = (): Date => FIXED_NOW;

/** What a test needs from one HTTP answer. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  contentType: string;
}

/** GETs `url` and reads the whole body as text. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, contentType: response.headers.get('content-type') ?? '' };
}

/** GETs `url`, expects 200 and parses the JSON body. */
export async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const answer = await get(url, headers);
  if (answer.status !== 200) throw new Error(`GET ${url} → ${answer.status}: ${answer.text}`);
  return JSON.parse(answer.text) as T;
}

/** Counts how many times each key occurs. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
