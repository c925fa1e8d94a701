/**
 * LogRocket's limit on user ids, names, emails and trait values (and, by our guess, trait keys),
 * in characters as {@link characterLength} counts them.
 */
export const MAX_USER_FIELD_LENGTH = 1024;

/** Length in characters (code points), the unit LogRocket's 1024-character limits count. */
export function characterLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** A sane email address: one `@`, no spaces, a dot in the domain. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
