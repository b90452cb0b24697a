/**
 * The partition keys of the decisions table that name an account, declared once: the DynamoDB adapter
 * builds items and queries with them, and `memberReadableKeyPatterns` (organization.ts) turns the same
 * builders into the `dynamodb:LeadingKeys` patterns of the hub table's resource policy, so a key the
 * adapter writes and the pattern IAM checks cannot drift apart. docs/data-model.md lists the items.
 */

/** A decision's own partition (the decision, its approvals, refused attempts and claims). */
export const decisionPartition = (decisionId: string): string => `DECISION#${decisionId}`;

/**
 * The by-identity partition of a decision: `IDENTITY#<account>#<identityKey>` when the decision names
 * its account, so one role name in two accounts never shares a partition; `IDENTITY#<identityKey>` for
 * decisions (and certification review items) without an account. IAM names hold no `#`, and an
 * identity key starts with `role/` or `user/`, never with 12 digits, so the two shapes never meet.
 */
export const identityPartition = (identityKey: string, accountId?: string): string =>
  accountId === undefined ? `IDENTITY#${identityKey}` : `IDENTITY#${accountId}#${identityKey}`;

/**
 * The by-account partition: every decision naming the account, and the refused attempts on them, in
 * one partition (`ACCOUNT#<account>`), sorted by `DECISION#<status>#<createdAt>#<id>` and
 * `ATTEMPT#<at>#<decision id>`. A member's scanner reads its approved, revoked and expired decisions
 * here; the org-wide by-status partitions (`DECISION#approved`) stay the hub's.
 */
export const accountPartition = (accountId: string): string => `ACCOUNT#${accountId}`;
export const accountDecisionSortKey = (status: string, createdAt: string, id: string): string =>
  `DECISION#${status}#${createdAt}#${id}`;
export const accountAttemptSortKey = (at: string, decisionId: string): string =>
  `ATTEMPT#${at}#${decisionId}`;
