import { analysePermissions } from '../../escalation/analyse.js';
import { CATALOGUE, CATALOGUE_VERSION } from '../../escalation/catalogue.js';
import { toRecord } from '../../escalation/grant-analysis.js';
import { indexInventory, inventoryPermissions } from '../../escalation/inventory-permissions.js';
import type { FindingDraft, RuleInput, ScannerRule } from './rule.js';
import { who } from './rule.js';

function run(input: RuleInput): FindingDraft<'privilege-escalation'>[] {
  if (!input.inventory) return [];
  const index = indexInventory(input.inventory);
  const drafts: FindingDraft<'privilege-escalation'>[] = [];
  for (const i of input.identities) {
    if (i.category !== 'nhi') continue;
    const item = i.type === 'role' ? i.role : i.user;
    const { set, missing } = inventoryPermissions(item, index);
    const analysis = analysePermissions({ type: i.type, arn: i.arn }, set, CATALOGUE);
    for (const path of analysis.open) {
      const record = toRecord(path);
      drafts.push({
        type: 'privilege-escalation',
        ...who(i),
        subject: path.id,
        title: `${i.type} ${i.name} can escalate: ${path.title}${path.certainty === 'conditional' ? ' (under conditions)' : ''}`,
        evidence: {
          pathId: path.id,
          category: path.category,
          certainty: path.certainty,
          catalogueVersion: CATALOGUE_VERSION,
          steps: record.because,
          statements: [...new Set(path.evidence.flatMap((e) => e.statements))],
          ...(missing.length > 0 ? { documentsNotRead: missing.slice(0, 20) } : {}),
          ...(analysis.problems.length > 0 ? { undecided: analysis.problems.slice(0, 10) } : {}),
        },
      });
    }
  }
  return drafts;
}

/**
 * `privilege-escalation`: an NHI whose current effective permissions (attached and inline policies,
 * its groups' policies, within its permissions boundary) open a catalogue path. One finding per
 * (identity, path); the evidence names the path and the statements behind each of its steps.
 */
export const privilegeEscalation: ScannerRule<'privilege-escalation'> = { type: 'privilege-escalation', run };
