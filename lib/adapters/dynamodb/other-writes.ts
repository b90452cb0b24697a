import { randomUUID } from 'node:crypto';

/**
 * The one item every writer of findings other than a scan replaces, in the same transaction as the
 * finding (`DynamoFindingStore.put`), with a fresh nonce: a scan's digest records the nonce it was
 * made at and is used only while the nonce is still the same (`DynamoScanDigests`). Its own module,
 * so the executors' bundles carry only this.
 */
export const OTHER_WRITES_KEY = { pk: 'FINDINGS#OTHER-WRITES', sk: 'NONCE' } as const;

/** A fresh nonce for a finding written outside a scan. */
export const otherWriteNonce = (): string => randomUUID();
