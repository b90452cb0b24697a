/** Small text formatters shared by the table, CSV and HTML renderings of reports. */

/** A duration in milliseconds as a person reads it: `850ms`, `42s`, `3m 05s`, `5m`, `2h 10m`, `4d 3h`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms === 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  // Zero seconds, minutes or hours are left out: `5m`, `2h`, `3d`.
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m}m` : `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h ${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}

/** A timestamp shortened to the minute, in UTC: `2026-01-31 12:00Z`. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

/** A list as one cell. */
export function joinList(values: readonly string[] | null | undefined, separator = ', '): string {
  return values && values.length > 0 ? values.join(separator) : '-';
}

/** Shortens an ARN to what identifies it (`role/team-lead-alice`), keeping anything else as is. */
export function shortArn(arn: string | null | undefined): string {
  if (!arn) return '-';
  const m = /^arn:aws[a-z-]*:(?:iam|sts)::\d{12}:(.+)$/.exec(arn);
  return m ? (m[1] as string) : arn;
}
