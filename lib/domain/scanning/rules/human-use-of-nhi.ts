import { hasActiveKey } from '../classify.js';
import { type ScannerRule, who } from './rule.js';

/** `human-use-of-nhi`: an NHI user that also has a console password. */
export const humanUseOfNhi: ScannerRule<'human-use-of-nhi'> = {
  type: 'human-use-of-nhi',
  run(input) {
    return input.identities.flatMap((i) => {
      if (i.type !== 'user' || i.category !== 'nhi' || i.user.passwordEnabled !== true) return [];
      return [
        {
          type: 'human-use-of-nhi',
          ...who(i),
          subject: '',
          title: `${i.name} has a console password and ${hasActiveKey(i.user) ? 'an active access key' : 'is a managed NHI'}`,
          evidence: {
            passwordEnabled: true,
            passwordLastUsedAt: i.user.passwordLastUsedAt ?? null,
            mfaActive: i.user.mfaActive ?? null,
            activeAccessKeys: i.user.accessKeys.filter((k) => k.active).map((k) => k.slot),
            managedPath: i.managed,
          },
        },
      ];
    });
  },
};
