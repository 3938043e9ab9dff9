import { Instance } from "@cdktf/provider-aws/lib/instance";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { Aspects, Fn, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { latestUbuntuAmi } from "../lib/ami";
import { configureBackend } from "../lib/backend";
import { HclSynthesisFixes } from "../lib/hcl-fixes";
import type { LaunchNetwork } from "../lib/network";
import { accountProvider, requireAccount } from "../lib/providers";
import type { DeploymentTarget } from "../lib/targets";

export interface Ec2StackProps {
  /** The destination this stack serves, with every default resolved. */
  readonly target: DeploymentTarget;
  /** The app's output folder, to keep local state paths relative. */
  readonly outdir: string;
  /**
   * ARN of the role to assume: pass `IamStack.roleArn`, so CDKTF wires it as
   * a cross-stack reference (and deploys the IAM stack first).
   */
  readonly roleArn: string;
  /** Where to launch: pass `IamStack.network`, the subnet and security group the role may launch with. */
  readonly network: LaunchNetwork;
}

/** An EC2 instance in the destination account, created through the assumed role. */
export class Ec2Stack extends TerraformStack {
  /** The launched instance. */
  public readonly instance: Instance;

  constructor(scope: Construct, id: string, props: Ec2StackProps) {
    super(scope, id);
    const { target } = props;
    configureBackend(this, props.outdir, target.backend, target.source.profile);
    Aspects.of(this).add(new HclSynthesisFixes());

    const provider = accountProvider(this, "aws", {
      region: target.destination.region,
      profile: target.source.profile,
      tags: target.tags,
      assumeRole: {
        roleArn: props.roleArn,
        sessionName: target.role.requireSessionName === "username" ? this.callerUserName(target) : target.role.sessionName,
        externalId: target.role.externalId,
        sourceIdentity: target.role.sourceIdentity,
        tags: target.role.sessionTags,
      },
    });
    // The tutorial's "check the console" step, automated: the assumed session must be in the destination.
    const assumed = requireAccount(this, "assumed-account", provider, target.destination.accountId, "assumed-role");
    const ami =
      target.instance.ami ??
      latestUbuntuAmi(this, "ubuntu", { provider, partition: target.partition, instanceType: target.instance.instanceType }).id;

    this.instance = new Instance(this, "instance", {
      provider,
      ami,
      instanceType: target.instance.instanceType,
      subnetId: props.network.subnetId,
      vpcSecurityGroupIds: [props.network.securityGroupId],
      associatePublicIpAddress: target.instance.associatePublicIpAddress,
      monitoring: target.instance.detailedMonitoring,
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: target.instance.rootVolumeSizeGiB, deleteOnTermination: true },
      tags: { Name: `${target.project}-${target.name}` },
      dependsOn: [assumed],
    });

    new TerraformOutput(this, "instance_id", { value: this.instance.id, description: "ID of the instance" });
    new TerraformOutput(this, "assumed_identity_arn", { value: assumed.arn, description: "Identity Terraform used in the destination account" });
    new TerraformOutput(this, "assumed_account_id", { value: assumed.accountId, description: "Account the instance was created in" });
  }

  /**
   * The source caller's IAM user name (the last part of its ARN, as
   * `${aws:username}` has it), for a trust that requires it as the session
   * name: read with the source credentials before the role is assumed.
   */
  private callerUserName(target: DeploymentTarget): string {
    const source = accountProvider(this, "source", {
      alias: "source",
      region: target.destination.region,
      profile: target.source.profile,
      tags: target.tags,
    });
    const caller = new DataAwsCallerIdentity(this, "source-caller", { provider: source });
    return Fn.element(Fn.reverse(Fn.split("/", caller.arn)), 0);
  }
}
