import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DataStore } from './constructs/data-store.js';

export interface NhiGovStackProps extends StackProps {
  /** Managed IAM path for provisioned identities (context `nhi-gov:managedPath`). */
  readonly managedPath: string;
}

/** The whole suite in one account. */
export class NhiGovStack extends Stack {
  readonly data: DataStore;

  constructor(scope: Construct, id: string, props: NhiGovStackProps) {
    super(scope, id, props);
    this.data = new DataStore(this, 'Data');
    new CfnOutput(this, 'DecisionsTableName', { value: this.data.decisions.tableName });
    new CfnOutput(this, 'ExecutionsTableName', { value: this.data.executions.tableName });
    new CfnOutput(this, 'FindingsTableName', { value: this.data.findings.tableName });
  }
}
