import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Annotations, Aspects, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { awsManagedPolicyArn } from "../lib/arn";
import { assumePolicyName, assumersGroupName, assumingUserName } from "../lib/names";
import { configureBackend } from "../lib/backend";
import { HclSynthesisFixes } from "../lib/hcl-fixes";
import { scopedEc2PolicyFor } from "../lib/ec2-permissions";
import { launchNetwork, type LaunchNetwork } from "../lib/network";
import { terraformPolicy } from "../lib/policy-document";
import { accountProvider, requireAccount } from "../lib/providers";
import type { DeploymentTarget } from "../lib/targets";
import { buildAssumeRoleIdentityPolicy, buildTrustPolicy } from "../lib/trust-policy";

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

    const role = new IamRole(this, "role", {
      provider: destination,
      name: target.role.name,
      path: target.role.path,
      description: `Assumed from account ${target.source.accountId} to manage ${target.project} EC2 instances`,
      assumeRolePolicy: terraformPolicy(buildTrustPolicy(target.partition, target.source.accountId, target.role)),
      maxSessionDuration: target.role.maxSessionDurationSeconds,
      permissionsBoundary: target.role.permissionsBoundaryArn,
      dependsOn: [destinationIdentity],
      lifecycle: {
        // Policies name the role by its computed ARN; this proves the computation at apply.
        postcondition: [
          { condition: `\${self.arn == "${target.role.arn}"}`, errorMessage: `The role's ARN is \${self.arn}, expected ${target.role.arn}.` },
        ],
      },
    });
    if (target.role.trustedPrincipalArns.length === 0) {
      // Read by the static rules (tools/proof/rules): the exception is recorded where it applies, with its reason.
      role.addOverride("//.exceptions", [
        {
          rule: "CKV_AWS_61",
          reason:
            "No role.trustedPrincipalArns: the trust names the source account, and the assume-role policy this stack attaches in that account decides who may assume. Name principals to pass the rule.",
        },
      ]);
    }
    this.roleArn = role.arn;
    this.network = launchNetwork(this, { provider: destination, instanceType: target.instance.instanceType, subnetId: target.instance.subnetId });
    this.grantRolePermissions(role, destination, target);

    this.assumeRolePolicy = new IamPolicy(this, "assume-role-policy", {
      provider: source,
      name: assumePolicyName(target.role.name, target.name),
      description: `Allows assuming ${target.role.arn} in account ${target.destination.accountId}`,
      policy: terraformPolicy(buildAssumeRoleIdentityPolicy(target.role)),
      dependsOn: [sourceIdentity],
    });
    const assumersGroup = this.attachAssumeRolePolicy(source, target);

    new TerraformOutput(this, "role_arn", { value: role.arn, description: "ARN of the cross-account role" });
    new TerraformOutput(this, "assume_role_policy_arn", {
      value: this.assumeRolePolicy.arn,
      description: "Source-account policy that allows assuming the role",
    });
    if (assumersGroup)
      new TerraformOutput(this, "assumers_group", {
        value: assumersGroup.name,
        description: "Source-account group whose members may assume the role",
      });
    new TerraformOutput(this, "aws_config_profile", {
      value: awsConfigProfile(target, role.arn),
      description: "Profile to paste into ~/.aws/config",
    });
    if (target.source.createUser) this.createAssumingUser(source, target);
  }

  private grantRolePermissions(role: IamRole, provider: AwsProvider, target: DeploymentTarget): void {
    if (target.role.permissions === "ec2-full-access") {
      Annotations.of(this).addWarning(
        "role.permissions is ec2-full-access: the role may do anything in EC2 in every region (tutorial parity, not least privilege).",
      );
      new IamRolePolicyAttachment(this, "role-ec2-full-access", {
        provider,
        role: role.name,
        policyArn: awsManagedPolicyArn(target.partition, "AmazonEC2FullAccess"),
      });
      return;
    }
    new IamRolePolicy(this, "role-scoped-ec2", {
      provider,
      role: role.name,
      name: "scoped-ec2",
      policy: terraformPolicy(scopedEc2PolicyFor(target, this.network)),
    });
  }

  /**
   * Attaches the policy to every principal that should assume the role: the
   * `source.attachTo` entries and the users and roles named in
   * `role.trustedPrincipalArns` (trust alone grants nothing: the caller's own
   * identity policy must allow sts:AssumeRole too). Only when no principal is
   * named does it create a group to attach to; returns that group.
   */
  private attachAssumeRolePolicy(provider: AwsProvider, target: DeploymentTarget): IamGroup | undefined {
    const policyArn = this.assumeRolePolicy.arn;
    const { groups, roles, users } = assumingPrincipals(target);
    groups.forEach((group) => new IamGroupPolicyAttachment(this, `assume-policy-group-${group}`, { provider, group, policyArn }));
    roles.forEach((role) => new IamRolePolicyAttachment(this, `assume-policy-role-${role}`, { provider, role, policyArn }));
    users.forEach((user) => new IamUserPolicyAttachment(this, `assume-policy-user-${user}`, { provider, user, policyArn }));
    if (groups.length + roles.length + users.length > 0) return undefined;
    const group = new IamGroup(this, "assumers", { provider, name: assumersGroupName(target.role.name, target.name) });
    new IamGroupPolicyAttachment(this, "assume-policy-assumers", { provider, group: group.name, policyArn });
    return group;
  }

  /** An unprivileged user whose only right is assuming the role (opt-in: long-term keys). */
  private createAssumingUser(provider: AwsProvider, target: DeploymentTarget): void {
    const user = new IamUser(this, "assuming-user", { provider, name: assumingUserName(target.role.name, target.name), path: "/" });
    new IamUserPolicyAttachment(this, "assume-policy-assuming-user", { provider, user: user.name, policyArn: this.assumeRolePolicy.arn });
    const key = new IamAccessKey(this, "assuming-user-key", { provider, user: user.name });
    new TerraformOutput(this, "assuming_user_access_key_id", { value: key.id, description: "Access key ID of the assuming user" });
    new TerraformOutput(this, "assuming_user_secret_access_key", {
      value: key.secret,
      sensitive: true,
      description: "Secret access key of the assuming user (sensitive)",
    });
  }
}

/**
 * The source principals the assume-role policy is attached to: `source.attachTo`
 * plus the users and roles of `role.trustedPrincipalArns` (by name, each once).
 * The user `source.createUser` makes gets its own attachment.
 */
export function assumingPrincipals(target: DeploymentTarget): { groups: string[]; roles: string[]; users: string[] } {
  const named = (kind: "role" | "user") =>
    target.role.trustedPrincipalArns.flatMap((arn) => {
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
