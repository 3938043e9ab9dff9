import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { CiOidcSettings } from "../lib/ci-oidc";
import { addressName } from "../lib/names";
import { terraformPolicy } from "../lib/policy-document";
import type { RoleSettings } from "../lib/targets";
import { buildAssumeRoleIdentityPolicy, buildStateRoleIdentityPolicy, buildWebIdentityTrustPolicy } from "../lib/trust-policy";
import { stableAddress } from "./stable-address";

export interface AssumeRoleGrantProps {
  /** The source account's provider: the policy and its attachments are created there. */
  readonly provider: AwsProvider;
  /** The role to grant, and what its sessions use (tags, source identity). */
  readonly role: Pick<RoleSettings, "arn" | "sessionTags" | "sourceIdentity">;
  readonly policyName: string;
  readonly description: string;
  /** Existing principals to attach the policy to (trust alone grants nothing). */
  readonly principals: { readonly groups: readonly string[]; readonly roles: readonly string[]; readonly users: readonly string[] };
  /** The group created when no principal is named. */
  readonly groupName: string;
  /** @default - no user: a user with a long-term access key is opt-in */
  readonly userName?: string;
  /** @default - no CI role: CI's OIDC role is opt-in */
  readonly ci?: CiOidcSettings;
  /** @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The source side of the trust: the identity policy that lets principals
 * assume exactly one role, attached to every principal that should assume
 * it: the named groups, roles and users, or a group of its own when none is
 * named, the optional user, and the optional CI role that OIDC tokens of
 * configured subjects may assume.
 */
export class AssumeRoleGrant extends Construct {
  public readonly policy: IamPolicy;
  /** The group created when no principal was named. */
  public readonly group?: IamGroup;
  /** The optional user's access key (its secret is sensitive). */
  public readonly accessKey?: IamAccessKey;
  /** The optional CI role. */
  public readonly ciRole?: IamRole;

  constructor(scope: Construct, id: string, props: AssumeRoleGrantProps) {
    super(scope, id);
    const { provider } = props;
    this.policy = stableAddress(
      new IamPolicy(this, "assume-role-policy", {
        provider,
        name: props.policyName,
        description: props.description,
        policy: terraformPolicy(buildAssumeRoleIdentityPolicy(props.role)),
        dependsOn: props.dependsOn,
      }),
    );
    const policyArn = this.policy.arn;
    const { groups, roles, users } = props.principals;
    groups.forEach((group) =>
      stableAddress(new IamGroupPolicyAttachment(this, `assume-policy-group-${addressName(group)}`, { provider, group, policyArn })),
    );
    roles.forEach((role) =>
      stableAddress(new IamRolePolicyAttachment(this, `assume-policy-role-${addressName(role)}`, { provider, role, policyArn })),
    );
    users.forEach((user) =>
      stableAddress(new IamUserPolicyAttachment(this, `assume-policy-user-${addressName(user)}`, { provider, user, policyArn })),
    );
    if (groups.length + roles.length + users.length === 0) {
      this.group = stableAddress(new IamGroup(this, "assumers", { provider, name: props.groupName }));
      stableAddress(new IamGroupPolicyAttachment(this, "assume-policy-assumers", { provider, group: this.group.name, policyArn }));
    }
    if (props.userName) {
      const user = stableAddress(new IamUser(this, "assuming-user", { provider, name: props.userName, path: "/" }));
      stableAddress(new IamUserPolicyAttachment(this, "assume-policy-assuming-user", { provider, user: user.name, policyArn }));
      this.accessKey = stableAddress(new IamAccessKey(this, "assuming-user-key", { provider, user: user.name }));
    }
    if (props.ci) this.ciRole = this.ciRoleFor(props.ci, props, policyArn);
  }

  /**
   * The CI role: trusted by the OIDC provider for the configured audience and
   * subjects, holding the assume-role policy (and the state role's, when the
   * state has one) and nothing else. The provider is created when asked, and
   * otherwise looked up, so a missing one fails the plan, not the apply.
   */
  private ciRoleFor(ci: CiOidcSettings, props: AssumeRoleGrantProps, policyArn: string): IamRole {
    const { provider } = props;
    const oidcProvider = stableAddress(
      ci.createProvider
        ? new IamOpenidConnectProvider(this, "ci-oidc-provider", { provider, url: ci.providerUrl, clientIdList: [ci.audience] })
        : new DataAwsIamOpenidConnectProvider(this, "ci-oidc-provider", { provider, url: ci.providerUrl }),
    );
    const role = stableAddress(
      new IamRole(this, "ci-role", {
        provider,
        name: ci.roleName,
        description: `Assumed by CI with an OIDC token from ${ci.providerUrl} to assume ${props.role.arn}`,
        // The ARN is known before apply; the dependency makes the provider exist (or be found) first.
        assumeRolePolicy: terraformPolicy(buildWebIdentityTrustPolicy(ci)),
        dependsOn: [oidcProvider, ...(props.dependsOn ?? [])],
      }),
    );
    stableAddress(new IamRolePolicyAttachment(this, "assume-policy-ci-role", { provider, role: role.name, policyArn }));
    if (ci.stateRoleArn) {
      stableAddress(
        new IamRolePolicy(this, "ci-role-state-access", {
          provider,
          role: role.name,
          name: "assume-state-role",
          policy: terraformPolicy(buildStateRoleIdentityPolicy(ci.stateRoleArn)),
        }),
      );
    }
    return role;
  }
}
