import { type Command, Option } from 'commander';
import type { PolicyBinding } from '../../adapters/dynamodb/policy-binding-store.js';
import { ValidationError } from '../../domain/errors.js';
import { parseCaller } from '../../domain/governance/principals.js';
import type { CliIo } from '../io.js';
import { withLocalStores } from '../local-store.js';
import { renderJson } from '../output.js';
import { policyHistory, requestedPolicy, setBoundPolicy } from '../policy-binding.js';

function describeBinding(b: PolicyBinding): string {
  return `${b.version}  from ${b.source}  set by ${b.setBy} at ${b.setAt}${b.previousVersion ? `  (replaced ${b.previousVersion})` : ''}\n`;
}

/** `nhi-gov policy set|show`: the policy the local store is bound to, changed only by an explicit, recorded act. */
export function registerPolicy(program: Command, io: CliIo): void {
  const policy = program
    .command('policy')
    .description(
      'the policy the local store is bound to: every command uses it; change it with `policy set`',
    );
  policy
    .command('set <file>')
    .description(
      "bind the local store to a new policy file (recorded with its hash, the previous hash, who and when); only an approver of the current policy's highest tier may",
    )
    .addOption(
      new Option(
        '--as <principalArn>',
        'local mode only: the IAM principal you act as',
      ).makeOptionMandatory(),
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (file: string, opts: { as: string; format: 'text' | 'json' }) => {
      const actor = parseCaller(opts.as, '--as');
      const next = requestedPolicy(io, file);
      if (!next) throw new ValidationError('policy set needs a file', [{ path: 'file', message: 'missing' }]);
      const result = await withLocalStores(io, (stores) =>
        setBoundPolicy(stores, { policy: next, actor, now: io.now() }),
      );
      io.stdout.write(
        opts.format === 'json'
          ? renderJson(result)
          : `${result.changed ? 'policy set' : 'policy unchanged'}: ${describeBinding(result.binding)}`,
      );
    });
  policy
    .command('show')
    .description('show the policy the local store is bound to and every change of it')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { format: 'text' | 'json' }) => {
      const result = await withLocalStores(io, (stores) => policyHistory(stores));
      if (opts.format === 'json') {
        io.stdout.write(
          renderJson({
            current: result.current
              ? { ...result.current, document: JSON.parse(result.current.document) }
              : null,
            history: result.history.map(({ document: _d, ...rest }) => rest),
          }),
        );
        return;
      }
      if (!result.current) {
        io.stdout.write('no policy bound yet: the first command on this store binds it\n');
        return;
      }
      io.stdout.write(`bound: ${describeBinding(result.current)}history:\n`);
      for (const b of result.history) io.stdout.write(`  ${describeBinding(b)}`);
    });
}
