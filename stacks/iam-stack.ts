import type { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AssumeRoleGrant } from "../constructs/assume-role-grant";
import { CrossAccountRole, type CrossAccountRoleProps } from "../constructs/cross-account-role";
import { awsManagedPolicyArn } from "../lib/arn";
import { configureBackend } from "../lib/backend";
import { scopedEc2PolicyFor } from "../lib/ec2-permissions";
import { HclSynthesisFixes } from "../lib/hcl-fixes";
import { assumePolicyName, assumersGroupName, assumingUserName } from "../lib/names";
import { launchNetwork, type LaunchNetwork } from "../lib/network";
import { accountProvider, requireAccount } from "../lib/providers";
import type { DeploymentTarget } from "../lib/targets";

export interface IamStackProps {
  /** The destination this stack serves, with every default resolved. */
  readonly target: DeploymentTarget;
  /** The app's output folder, to keep local state paths relative. */
  readonly outdir: string;
}

/**
 * The cross-account role in the destination account, and in the source
 * account the policy that lets principals assume it.
 */
export class IamStack extends TerraformStack {
  /** ARN of the role, read by the EC2 stack through a cross-stack reference. */
  public readonly roleArn: string;
  /** The source-side policy that allows assuming the role. */
  public readonly assumeRolePolicy: IamPolicy;
  /**
   * Where the instance launches, looked up here with the destination
   * provider: the role may launch only there, and the EC2 stack reads the
   * same IDs through cross-stack references.
   */
  public readonly network: LaunchNetwork;

  constructor(scope: Construct, id: string, props: IamStackProps) {
    super(scope, id);
    const { target } = props;
    configureBackend(this, props.outdir, target.backend, target.source.profile);
    Aspects.of(this).add(new HclSynthesisFixes());

    const source = accountProvider(this, "source", {
      alias: "source",
      region: target.destination.region,
      profile: target.source.profile,
      tags: target.tags,
    });
    const destination = accountProvider(this, "destination", {
      alias: "destination",
      region: target.destination.region,
      profile: target.destination.profile,
      tags: target.tags,
    });
    const sourceIdentity = requireAccount(this, "source-account", source, target.source.accountId, "source");
    const destinationIdentity = requireAccount(this, "destination-account", destination, target.destination.accountId, "destination");

    this.network = launchNetwork(this, { provider: destination, instanceType: target.instance.instanceType, subnetId: target.instance.subnetId });
    const role = new CrossAccountRole(this, "cross-account-role", {
      provider: destination,
      partition: target.partition,
      sourceAccountId: target.source.accountId,
      role: target.role,
      description: `Assumed from account ${target.source.accountId} to manage ${target.project} EC2 instances`,
      permissions: this.permissionsFor(target),
      dependsOn: [destinationIdentity],
    });
    this.roleArn = role.arn;

    const grant = new AssumeRoleGrant(this, "assume-role-grant", {
      provider: source,
      role: target.role,
      policyName: assumePolicyName(target.role.name, target.name),
      description: `Allows assuming ${target.role.arn} in account ${target.destination.accountId}`,
      principals: assumingPrincipals(target),
      groupName: assumersGroupName(target.role.name, target.name),
      userName: target.source.createUser ? assumingUserName(target.role.name, target.name) : undefined,
      ci: target.ci,
      dependsOn: [sourceIdentity],
    });
    this.assumeRolePolicy = grant.policy;

    new TerraformOutput(this, "role_arn", { value: role.arn, description: "ARN of the cross-account role" });
    new TerraformOutput(this, "assume_role_policy_arn", {
      value: grant.policy.arn,
      description: "Source-account policy that allows assuming the role",
    });
    if (grant.group)
      new TerraformOutput(this, "assumers_group", {
        value: grant.group.name,
        description: "Source-account group whose members may assume the role",
      });
    new TerraformOutput(this, "aws_config_profile", {
      value: awsConfigProfile(target, role.arn),
      description: "Profile to paste into ~/.aws/config",
    });
    if (grant.ciRole)
      new TerraformOutput(this, "ci_role_arn", {
        value: grant.ciRole.arn,
        description: "Source-account role CI assumes with its OIDC token (role-to-assume)",
      });
    if (grant.accessKey) {
      new TerraformOutput(this, "assuming_user_access_key_id", { value: grant.accessKey.id, description: "Access key ID of the assuming user" });
      new TerraformOutput(this, "assuming_user_secret_access_key", {
        value: grant.accessKey.secret,
        sensitive: true,
        description: "Secret access key of the assuming user (sensitive)",
      });
    }
  }

  /** The scoped policy (bound to the network looked up here), or AmazonEC2FullAccess for tutorial parity. */
  private permissionsFor(target: DeploymentTarget): CrossAccountRoleProps["permissions"] {
    if (target.role.permissions === "ec2-full-access") {
      return {
        managedPolicyArn: awsManagedPolicyArn(target.partition, "AmazonEC2FullAccess"),
        warning: "role.permissions is ec2-full-access: the role may do anything in EC2 in every region (tutorial parity, not least privilege).",
      };
    }
    return { inlinePolicy: scopedEc2PolicyFor(target, this.network) };
  }
}

/**
 * The source principals the assume-role policy is attached to: `source.attachTo`
 * plus the users and roles of `role.trustedPrincipalArns` (by name, each once).
 * The user `source.createUser` makes and the CI role get their own attachments.
 */
export function assumingPrincipals(target: DeploymentTarget): { groups: string[]; roles: string[]; users: string[] } {
  const named = (kind: "role" | "user") =>
    target.role.trustedPrincipalArns.flatMap((arn) => {
      if (arn === target.ci?.roleArn) return [];
      const match = new RegExp(`:${kind}/(?:.*/)?([^/]+)$`).exec(arn);
      return match && !(kind === "user" && target.source.createUser && match[1] === assumingUserName(target.role.name, target.name))
        ? [match[1]]
        : [];
    });
  const unique = (names: string[]) => [...new Set(names)];
  const { groups, roles, users } = target.source.attachTo;
  return { groups: unique([...groups]), roles: unique([...roles, ...named("role")]), users: unique([...users, ...named("user")]) };
}

/** A `~/.aws/config` profile that assumes the role from the source profile. */
export function awsConfigProfile(target: DeploymentTarget, roleArn: string): string {
  const lines = [
    `[profile ${target.name}-${target.role.name}]`,
    `role_arn = ${roleArn}`,
    `source_profile = ${target.source.profile ?? "default"}`,
    target.role.requireSessionName === "username"
      ? "# the role requires your IAM user name as the session name: add role_session_name = <your user name>"
      : `role_session_name = ${target.role.sessionName}`,
    ...(target.role.externalId ? [`external_id = ${target.role.externalId}`] : []),
    ...(target.role.requireMfa ? ["# the role requires MFA: add mfa_serial = <ARN of your MFA device>"] : []),
    `region = ${target.destination.region}`,
  ];
  return `${lines.join("\n")}\n`;
}
