import type { Finding } from '../finding.js';

/**
 * Where a finding of an account sorts in the store's by-identity index of that account: identity,
 * type, id. A scan's merge walks the stored findings and the new ones in this one order, a range at a
 * time, so it never holds every stored finding of a large account (#16.2). The store's index sort key
 * is this string (one fact, one place).
 */
export function mergeKey(finding: Pick<Finding, 'identityKey' | 'type' | 'id'>): string {
  return `${finding.identityKey}#${finding.type}#${finding.id}`;
}

/**
 * Compares two strings by their UTF-8 bytes, the order in which DynamoDB sorts string keys.
 * JavaScript's `<` compares UTF-16 code units, which disagrees with it only between a surrogate
 * (U+D800–DFFF, part of a character above U+FFFF) and a unit at or above U+E000; both are mapped to
 * code-point order here.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A code unit's rank in code-point order: surrogates after every unit of the Basic Multilingual Plane. */
const codePointRank = (unit: number) =>
  unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit;
