/** Parses a base-10 integer written with digits only (optional leading minus); `undefined` otherwise. */
export function parseStrictInt(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^-?\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const ISO8601 = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms of a strict RFC 3339 date-time; `undefined` when it is not one. */
export function parseRfc3339(value: string): number | undefined {
  if (!RFC3339.test(value)) return undefined;
  const ms = Date.parse(value.toUpperCase());
  return Number.isNaN(ms) ? undefined : ms;
}

/** Epoch ms of an ISO 8601 date or date-time (UTC when no zone); `undefined` when it is not one. */
export function parseIso8601(value: string): number | undefined {
  if (!ISO8601.test(value)) return undefined;
  let normalised = value.replace(' ', 'T').toUpperCase();
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(normalised)) normalised += 'Z';
  normalised = normalised.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? undefined : ms;
}

/** ISO 8601 UTC with second precision, e.g. `2012-03-05T11:32:44Z`. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Percent-decodes one path segment; `undefined` when the encoding is broken. */
export function decodePathSegment(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
