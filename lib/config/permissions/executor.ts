import type { DeclaredStatement } from './types.js';

/**
 * What both executors (provision and rotate) need of the tables, and no more: re-read a decision
 * (GetItem only: executors never write decisions), append to the execution trail (PutItem and Query:
 * never UpdateItem or DeleteItem), open findings, and keep Powertools idempotency records (the
 * persistence layer's GetItem, PutItem with a condition, UpdateItem on completion, DeleteItem when the
 * wrapped call failed).
 */
export const EXECUTOR_TABLES: readonly DeclaredStatement[] = [
  {
    sid: 'ReReadDecisions',
    effect: 'Allow',
    actions: ['dynamodb:GetItem'],
    resources: ['table:decisions'],
    why: 'The decision behind an event is re-read with a consistent GetItem; an executor never writes a decision.',
  },
  {
    sid: 'AppendExecutions',
    effect: 'Allow',
    actions: ['dynamodb:PutItem', 'dynamodb:Query'],
    resources: ['table:executions', 'table:executions/index/*'],
    why: 'The execution trail is append-only: conditional PutItem of new records, Query of a decision’s records.',
  },
  {
    sid: 'Findings',
    effect: 'Allow',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    resources: ['table:findings'],
    why: 'Forged-event and provisioning-failed findings are opened (read first to keep firstSeen).',
  },
  {
    sid: 'Idempotency',
    effect: 'Allow',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    resources: ['table:idempotency'],
    why: 'Powertools idempotency records, keyed by (decision id, version): the only table an executor may update or delete in.',
  },
];

export const PUT_ON_BUS: DeclaredStatement = {
  sid: 'PutOnBus',
  effect: 'Allow',
  actions: ['events:PutEvents'],
  resources: ['events:bus'],
  why: 'Outcome events on the suite’s bus only.',
};
