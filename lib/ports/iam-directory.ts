import type { IamInventory } from '../domain/inventory.js';

/** Reads an account's IAM state in one sweep (live IAM, or snapshot files): never a call per identity. */
export interface IamDirectory {
  readInventory(): Promise<IamInventory>;
}
