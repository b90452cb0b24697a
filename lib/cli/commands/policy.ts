import type { Command } from 'commander';
import type { PolicyBinding } from '../../adapters/dynamodb/policy-binding-store.js';
import { parseCaller } from '../../domain/governance/principals.js';
import type { CliIo } from '../io.js';
import { withLocalStores } from '../local-store.js';
import { addOutputOptions, asOption, deliverOutput, examples, formatOf } from '../options.js';
import { renderJson } from '../output.js';
import { policyHistory, requestedPolicy, setBoundPolicy } from '../policy-binding.js';

const FORMATS = ['table', 'json'] as const;

function describeBinding(b: PolicyBinding): string {
  return `${b.version}  from ${b.source}  set by ${b.setBy} at ${b.setAt}${b.previousVersion ? `  (replaced ${b.previousVersion})` : ''}\n`;
}

/** `nhi-gov policy set|show`: the policy the local store is bound to, changed only by an explicit, recorded act. */
export function registerPolicy(program: Command, io: CliIo): void {
  const policy = program
    .command('policy')
    .description('the policy the local store is bound to: every command uses it; change it with `policy set`')
    .addHelpText(
      'after',
      examples(
        'nhi-gov policy show',
        'nhi-gov policy set my-policy.yaml --as arn:aws:iam::111122223333:role/security-approver-bob',
      ),
    );
  addOutputOptions(
    policy
      .command('set <file>')
      .usage('<file> --as <principalArn> [options]')
      .description(
        "bind the local store to a new policy file (recorded with its hash, the previous hash, who and when); only an approver of the current policy's highest tier who is not an operator may",
      )
      .addOption(asOption()),
    FORMATS,
  )
    .addHelpText(
      'after',
      `${examples('nhi-gov policy set my-policy.yaml --as arn:aws:iam::111122223333:role/security-approver-bob')}
Exit codes: 0 set (or unchanged), 2 invalid --as or policy file, 3 refused (recorded as a denied attempt).`,
    )
    .action(async (file: string, opts: { as: string; format?: string; output?: string }) => {
      const format = formatOf(opts.format, 'nhi-gov policy set', FORMATS);
      // Everything is checked before the store starts: bad input writes nothing.
      const actor = parseCaller(opts.as, '--as');
      const next = requestedPolicy(io, file);
      if (!next) return;
      const result = await withLocalStores(io, (stores) =>
        setBoundPolicy(stores, { policy: next, actor, now: io.now() }),
      );
      deliverOutput(
        io,
        format === 'json'
          ? renderJson({
              ...result,
              binding: { ...result.binding, document: JSON.parse(result.binding.document) },
            })
          : `${result.changed ? 'policy set' : 'policy unchanged'}: ${describeBinding(result.binding)}`,
        opts.output,
      );
    });
  addOutputOptions(
    policy.command('show').description('show the policy the local store is bound to and every change of it'),
    FORMATS,
  )
    .addHelpText(
      'after',
      `${examples('nhi-gov policy show', 'nhi-gov policy show --format json')}
Exit codes: 0 ok, 2 usage error, 3 unexpected error.`,
    )
    .action(async (opts: { format?: string; output?: string }) => {
      const format = formatOf(opts.format, 'nhi-gov policy show', FORMATS);
      const result = await withLocalStores(io, (stores) => policyHistory(stores));
      if (format === 'json') {
        deliverOutput(
          io,
          renderJson({
            current: result.current
              ? { ...result.current, document: JSON.parse(result.current.document) }
              : null,
            history: result.history.map(({ document: _d, ...rest }) => rest),
          }),
          opts.output,
        );
        return;
      }
      deliverOutput(
        io,
        result.current
          ? `bound: ${describeBinding(result.current)}history:\n${result.history.map((b) => `  ${describeBinding(b)}`).join('')}`
          : 'no policy bound yet: the first command on this store binds it\n',
        opts.output,
      );
    });
}
