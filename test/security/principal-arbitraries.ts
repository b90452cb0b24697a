import fc from 'fast-check';

/** A role or user name IAM accepts (1-64 of letters, digits and +=,.@_-). */
export const arbName = fc
  .array(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-'.split('')),
    {
      minLength: 1,
      maxLength: 64,
    },
  )
  .map((cs) => cs.join(''));

const arbSegment = fc
  .array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.'.split('')), {
    minLength: 1,
    maxLength: 12,
  })
  .map((cs) => cs.join(''));
const arbPath = fc
  .array(arbSegment, { maxLength: 4 })
  .map((segs) => (segs.length ? `${segs.join('/')}/` : ''));
const arbSession = fc
  .array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789+=,.@_-'.split('')), {
    minLength: 2,
    maxLength: 64,
  })
  .map((cs) => cs.join(''));

/** The same name in another letter case (IAM names are unique regardless of case). */
export function arbCaseOf(name: string): fc.Arbitrary<string> {
  return fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((flips) => [...name].map((c, i) => (flips[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
}

/**
 * Every spelling IAM treats as the role `arn:aws:iam::<account>:role/<name>`: any path, any letter
 * case of the name, or an STS session of it with any session name.
 */
export function arbRoleSpelling(account: string, name: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(arbPath, arbCaseOf(name)).map(([path, n]) => `arn:aws:iam::${account}:role/${path}${n}`),
    fc.tuple(arbCaseOf(name), arbSession).map(([n, s]) => `arn:aws:sts::${account}:assumed-role/${n}/${s}`),
  );
}

/** Malformed variants of a well-formed role ARN: each must be refused as invalid input. */
export function arbMalformed(account: string, name: string): fc.Arbitrary<string> {
  const role = `arn:aws:iam::${account}:role/${name}`;
  return fc.oneof(
    fc.constant(`${role}/`),
    arbPath.map((p) => `arn:aws:iam::${account}:role/${p}/${name}`),
    fc.constant(`arn:aws:iam::${account}:role//${name}`),
    fc.constant(`arn:aws:sts::${account}:assumed-role/${name}`),
    fc.constant(`arn:aws:sts::${account}:assumed-role/${name}/`),
    arbSession.map((s) => `arn:aws:sts::${account}:assumed-role/${name}/${s}/extra`),
    fc
      .constantFrom('AWS', 'aws-xx', 'aws-cn-evil', '', 'Aws')
      .map((p) => `arn:${p}:iam::${account}:role/${name}`),
    fc.constantFrom('IAM', 'Iam', 's3', 'STS', '').map((svc) => `arn:aws:${svc}::${account}:role/${name}`),
    fc
      .oneof(fc.stringMatching(/^\d{1,11}$/), fc.stringMatching(/^\d{13,16}$/), fc.constant('11112222333a'))
      .map((a) => `arn:aws:iam::${a}:role/${name}`),
    fc.constant(`arn:aws:iam:us-east-1:${account}:role/${name}`),
    fc.constant(`arn:aws:iam::${account}:root`),
    fc.constant(`arn:aws:sts::${account}:federated-user/${name}`),
    fc.constant(`arn:aws:iam::${account}:Role/${name}`),
    fc.constant(`arn:aws:iam::${account}:group/${name}`),
    fc.constantFrom(' ', '\t', '\n', '\u200b').map((ws) => `${ws}${role}`),
    fc.constantFrom(' ', '\n', '\u200b').map((ws) => `${role}${ws}`),
    fc.constant(`arn:aws:iam::${account}:role/${name}*`),
    fc.constant(`arn:aws:iam::${account}:role/team:x/${name}`),
    fc.constantFrom(
      'lambda.amazonaws.com',
      '*',
      '',
      'arn:aws:iam::aws:policy/x',
      'arn:aws:iam::000000000000:role/nhi-gov-system',
    ),
    fc.constant(`arn:aws:iam::${account}:role/${'x'.repeat(65)}`),
    fc.constant(`arn:aws:sts::${account}:assumed-role/${name}/a`),
  );
}
