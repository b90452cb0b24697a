/**
 * Benchmark part: the escalation analysis (lib/domain/escalation) of N identities' policies, in
 * process, CPU time measured with process.cpuUsage. Each identity carries 2-4 shared managed policies
 * from a pool of 60 (some wide, some scoped, some with Deny or Condition), one inline policy of its
 * own, and a third of them a permissions boundary: the mix a real account has, so the per-document
 * cache is exercised as it is in a scan and the inline documents are not.
 *
 *   npm run bench -- --only escalation [identities]      # default 10,000; also in `npm run bench`
 */
import { analysePermissions, type PermissionSet, type Subject } from '../lib/domain/escalation/analyse.js';
import { CATALOGUE } from '../lib/domain/escalation/catalogue.js';
import type { BenchContext } from './index.js';

const ACCOUNT = '123456789012';

let seed = 7;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)] as T;

const ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:*',
  'dynamodb:Query',
  'dynamodb:*',
  'lambda:InvokeFunction',
  'lambda:CreateFunction',
  'lambda:UpdateFunctionCode',
  'iam:PassRole',
  'iam:Get*',
  'iam:List*',
  'sts:AssumeRole',
  'ec2:Describe*',
  'ec2:RunInstances',
  'logs:*',
  'sqs:SendMessage',
  'kms:Decrypt',
  'cloudformation:CreateStack',
  'glue:*',
  'ecs:RunTask',
];
const RESOURCES = [
  '*',
  `arn:aws:s3:::bucket-${ACCOUNT}/*`,
  `arn:aws:iam::${ACCOUNT}:role/app/*`,
  `arn:aws:iam::${ACCOUNT}:role/nhi/app-exec`,
  `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:app-*`,
  `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`,
];

function statement(): Record<string, unknown> {
  const r = rand();
  return {
    Effect: r < 0.1 ? 'Deny' : 'Allow',
    ...(rand() < 0.08
      ? { NotAction: [pick(ACTIONS)] }
      : { Action: [pick(ACTIONS), pick(ACTIONS), pick(ACTIONS)] }),
    Resource: rand() < 0.5 ? '*' : [pick(RESOURCES), pick(RESOURCES)],
    ...(rand() < 0.1 ? { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } } : {}),
  };
}
const documentOf = (statements: number) => ({
  Version: '2012-10-17',
  Statement: Array.from({ length: statements }, statement),
});

/** Generates the identities' permission sets (deterministic), outside the measured time. */
function generate(n: number): { subject: Subject; set: PermissionSet }[] {
  const pool = Array.from({ length: 60 }, (_, i) => ({
    source: `managed-policy:arn:aws:iam::${ACCOUNT}:policy/p-${i}`,
    document: documentOf(2 + Math.floor(rand() * 6)),
  }));
  const boundaries = Array.from({ length: 3 }, (_, i) => ({
    source: `boundary:arn:aws:iam::${ACCOUNT}:policy/b-${i}`,
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: ['iam:*', 'organizations:*'], Resource: '*' },
      ],
    },
  }));
  return Array.from({ length: n }, (_, i) => {
    const type = i % 2 === 0 ? 'role' : 'user';
    const managed = Array.from({ length: 2 + Math.floor(rand() * 3) }, () => pick(pool));
    const boundary = rand() < 0.33 ? pick(boundaries) : undefined;
    return {
      subject: { type, arn: `arn:aws:iam::${ACCOUNT}:${type}/nhi/svc-${i}` },
      set: {
        policies: [
          ...managed,
          { source: `inline-policy:own-${i}`, document: documentOf(1 + Math.floor(rand() * 3)) },
        ],
        ...(boundary ? { boundary } : {}),
      },
    };
  });
}

/** Runs the analysis over N identities and returns the lines `npm run bench` prints. */
export function escalationBenchLines(n: number): string[] {
  const identities = generate(n);
  const start = process.cpuUsage();
  const wallStart = performance.now();
  let open = 0;
  let escalating = 0;
  for (const { subject, set } of identities) {
    const found = analysePermissions(subject, set, CATALOGUE).open.length;
    open += found;
    if (found > 0) escalating++;
  }
  const wall = performance.now() - wallStart;
  const cpu = process.cpuUsage(start);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return [
    `escalation analysis (${CATALOGUE.length} catalogue paths, ${n} identities' policies):`,
    `  identities with an open path: ${escalating}; open paths: ${open}`,
    `  CPU: ${cpuMs.toFixed(0)} ms in all, ${((cpuMs / n) * 1000).toFixed(0)} ms per 1,000 identities (wall ${wall.toFixed(0)} ms)`,
  ];
}

export async function run({ size }: BenchContext): Promise<void> {
  process.stdout.write(`${escalationBenchLines(size ?? 10_000).join('\n')}\n`);
}
