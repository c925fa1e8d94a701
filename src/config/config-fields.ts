import { z } from 'zod';

// Values produced by `${VAR}` interpolation are always strings, so numbers and booleans are
// also accepted in their string form.
/** An integer in `[min, max]`. */
export function integer(min: number, max: number) {
  const message = `must be an integer from ${min} to ${max}`;
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
    z
      .number({ error: (issue) => (issue.input === undefined ? undefined : message) })
      .int({ error: message })
      .min(min, { error: message })
      .max(max, { error: message }),
  );
}

/** true or false. */
export const flag = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean({ error: (issue) => (issue.input === undefined ? undefined : 'must be true or false') }),
);

/** A non-empty string. */
export const text = () => z.string().min(1, { error: 'must not be empty' });

const HTTP_URL_MESSAGE = 'must be an http(s) URL without query, fragment or credentials, e.g. https://api.example.com';

/** An http(s) URL without query, fragment or credentials, trailing slashes removed. */
export const httpUrl = (requiredMessage?: string) =>
  z
    .url({
      protocol: /^https?$/,
      error: (issue) => (issue.input === undefined ? requiredMessage : HTTP_URL_MESSAGE),
    })
    .refine(
      (value) => {
        // Refinements also run after a failed format check; that failure is already reported.
        if (!URL.canParse(value)) return true;
        const url = new URL(value);
        return !/[?#]/.test(value) && url.username === '' && url.password === '';
      },
      { error: HTTP_URL_MESSAGE },
    )
    .transform((value) => value.replace(/\/+$/, ''));
