import { type ScannerRule, who } from './rule.js';

/** `orphaned-identity`: an NHI with no `nhi-gov:owner` tag and no decision naming an owner. */
export const orphanedIdentity: ScannerRule<'orphaned-identity'> = {
  type: 'orphaned-identity',
  run(input) {
    return input.identities.flatMap((i) =>
      i.category === 'nhi' && !i.owner
        ? [
            {
              type: 'orphaned-identity' as const,
              ...who(i),
              subject: '',
              title: `${i.type} ${i.name} has no owner`,
              evidence: { path: i.path, ownerTag: null, decisions: 0 },
            },
          ]
        : [],
    );
  },
};
