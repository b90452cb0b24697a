import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTEXT_DEFAULTS, readConfig } from '../../infra/config.js';
import { ValidationError } from '../../lib/domain/errors.js';
import { tempDir } from '../support/temp.js';

const read = (context: Record<string, unknown>) => readConfig((key) => context[key]);

describe('infra config (cdk.json context)', () => {
  it('applies the documented defaults and validates the default policy file', () => {
    const config = read({});
    expect(config.managedPath).toBe(CONTEXT_DEFAULTS['nhi-gov:managedPath']);
    expect(config.scanSchedule).toBe('cron(0 5 * * ? *)');
    expect(config.permissionsBoundaryArn).toBeUndefined();
    expect(config.alarmTopicArn).toBeUndefined();
    expect(config.mode).toBe('single');
    expect(config.policy.document.managedPath).toBe('/nhi/');
  });

  it('names every bad context key at once and builds nothing', () => {
    let error: unknown;
    try {
      read({
        'nhi-gov:scanSchedule': 'every day',
        'nhi-gov:logRetentionDays': 17,
        'nhi-gov:permissionsBoundaryArn': 'not-an-arn',
        'nhi-gov:mode': 'organization',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path).sort();
    expect(paths).toEqual([
      'nhi-gov:logRetentionDays',
      'nhi-gov:organization',
      'nhi-gov:permissionsBoundaryArn',
      'nhi-gov:scanSchedule',
    ]);
  });

  it('refuses a managed path inside the suite roles path', () => {
    expect(() => read({ 'nhi-gov:managedPath': '/nhi-gov/x/' })).toThrow(/nhi-gov:managedPath/);
  });

  it('fails synth on a bad policy file, listing its problems', () => {
    const dir = tempDir('nhi-gov-policy-');
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'schemaVersion: 1\nname: broken\nmanagedPath: nhi\n');
    expect(() => read({ 'nhi-gov:policyFile': file })).toThrow(ValidationError);
    expect(() => read({ 'nhi-gov:policyFile': join(dir, 'missing.yaml') })).toThrow(/no such file/);
  });

  it("refuses a managed path that differs from the policy file's", () => {
    expect(() => read({ 'nhi-gov:managedPath': '/other/' })).toThrow(/differs from the policy file/);
  });

  it('defaults the grace of a replaced key to 24 hours active, then 7 days inactive', () => {
    const config = read({});
    expect(config.keyDeactivateDelayHours).toBe(24);
    expect(config.keyDeleteGraceDays).toBe(7);
    expect(read({ 'nhi-gov:keyDeactivateDelayHours': '0', 'nhi-gov:keyDeleteGraceDays': 0 })).toMatchObject({
      keyDeactivateDelayHours: 0,
      keyDeleteGraceDays: 0,
    });
  });

  it.each([
    ['nhi-gov:keyDeactivateDelayHours', -1],
    ['nhi-gov:keyDeactivateDelayHours', 1.5],
    ['nhi-gov:keyDeactivateDelayHours', 169],
    ['nhi-gov:keyDeactivateDelayHours', 'a day'],
    ['nhi-gov:keyDeleteGraceDays', 91],
    ['nhi-gov:keyDeleteGraceDays', -3],
  ])('refuses %s = %s, naming the key', (key, value) => {
    expect(() => read({ [key]: value })).toThrow(new RegExp(key));
  });

  it('refuses a grace that outlasts the rotation interval (the next rotation needs the key slot)', () => {
    expect(() => read({ 'nhi-gov:rotationDays': 2, 'nhi-gov:keyDeactivateDelayHours': 48 })).toThrow(
      /nhi-gov:keyDeactivateDelayHours.*shorter than nhi-gov:rotationDays/,
    );
  });

  describe('organization mode', () => {
    const org = {
      organizationId: 'o-abcdef1234',
      hubAccount: '111111111111',
      hubRegion: 'eu-west-1',
      organizationalUnits: ['ou-ab12-cdefgh34'],
    };
    const mode = { 'nhi-gov:mode': 'organization' };

    it('reads the organization from cdk.json or from a JSON string on the command line, with defaults', () => {
      const fromJson = read({ ...mode, 'nhi-gov:organization': JSON.stringify(org) });
      expect(fromJson.organization).toEqual({ ...org, stackSetCallAs: 'DELEGATED_ADMIN' });
      expect(read({ ...mode, 'nhi-gov:organization': org }).organization).toEqual(fromJson.organization);
    });

    it.each([
      [{ ...org, organizationalUnits: [] }, 'nhi-gov:organization.organizationalUnits'],
      [{ ...org, organizationalUnits: ['engineering'] }, 'nhi-gov:organization.organizationalUnits[0]'],
      [{ ...org, hubAccount: '1111' }, 'nhi-gov:organization.hubAccount'],
      [{ ...org, regions: ['us-east-1'] }, 'nhi-gov:organization.regions'],
      [{ ...org, stackSetCallAs: 'ANYONE' }, 'nhi-gov:organization.stackSetCallAs'],
      // The per-member list of the old multi-account mode is refused, not silently ignored.
      [{ ...org, memberAccounts: ['222222222222'] }, 'nhi-gov:organization'],
    ])('refuses %j, naming %s', (organization, path) => {
      let error: unknown;
      try {
        read({ ...mode, 'nhi-gov:organization': organization });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
    });

    it('names the key when the command-line JSON does not parse', () => {
      expect(() => read({ ...mode, 'nhi-gov:organization': '{hubAccount:' })).toThrow(
        /nhi-gov:organization must be a JSON object/,
      );
    });

    it('refuses the removed multi-account mode by name', () => {
      expect(() => read({ 'nhi-gov:mode': 'multi-account', 'nhi-gov:organization': org })).toThrow(
        /nhi-gov:mode.*single or organization/,
      );
    });
  });
});
