/**
 * `tsx bench/support/write-iam-account-main.ts <dir> <identities>`: generates the benchmark account and
 * writes IAM's answers to <dir> (see iam-on-disk.ts), in a process of its own, so the memory of
 * generating 50,000 identities never counts in the peak RSS of the scan that reads them.
 */
import { writeIamAccount } from './iam-on-disk.js';
import { generate } from './inventory.js';

const [dir, identities] = process.argv.slice(2);
if (!dir || !identities || !/^\d+$/.test(identities)) {
  process.stderr.write('usage: write-iam-account-main.ts <dir> <identities>\n');
  process.exit(2);
}
process.stdout.write(`${writeIamAccount(dir, generate(Number(identities)))}\n`);
