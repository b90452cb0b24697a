import { DAY_MS } from '../primitives.js';

/**
 * A title part that depends on the scan's as-of ("not used for 101 days"): a token naming the instant,
 * rendered to whole days at the as-of the title is shown for. `{` cannot occur in an IAM name, a policy
 * name or ARN, a decision id or an entitlement key, so a token never comes from what IAM returned.
 */
const TOKEN = /\{\{days-since:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)\}\}/g;

/** A title part meaning "whole days from `iso` to the as-of", for titles that count days. */
export function daysSinceToken(iso: string): string {
  return `{{days-since:${new Date(iso).toISOString()}}}`;
}

/** Whether a title has parts that depend on the as-of (then its text changes every day by itself). */
export function isDatedTitle(template: string): boolean {
  TOKEN.lastIndex = 0;
  return TOKEN.test(template);
}

/**
 * The title as seen at `asOf`: every days-since token replaced by the whole days (rounded down) from
 * its instant to `asOf`. A title without tokens is returned as it is.
 */
export function renderTitle(template: string, asOf: string): string {
  const at = Date.parse(asOf);
  return template.replace(TOKEN, (_token, iso: string) =>
    String(Math.floor((at - Date.parse(iso)) / DAY_MS)),
  );
}
