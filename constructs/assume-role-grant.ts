import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { terraformPolicy } from "../lib/policy-document";
import type { RoleSettings } from "../lib/targets";
import { buildAssumeRoleIdentityPolicy } from "../lib/trust-policy";
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
  /** @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The source side of the trust: the identity policy that lets principals
 * assume exactly one role, attached to every principal that should assume
 * it: the named groups, roles and users, or a group of its own when none is
 * named, and the optional user.
 */
export class AssumeRoleGrant extends Construct {
  public readonly policy: IamPolicy;
  /** The group created when no principal was named. */
  public readonly group?: IamGroup;
  /** The optional user's access key (its secret is sensitive). */
  public readonly accessKey?: IamAccessKey;

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
    groups.forEach((group) => stableAddress(new IamGroupPolicyAttachment(this, `assume-policy-group-${group}`, { provider, group, policyArn })));
    roles.forEach((role) => stableAddress(new IamRolePolicyAttachment(this, `assume-policy-role-${role}`, { provider, role, policyArn })));
    users.forEach((user) => stableAddress(new IamUserPolicyAttachment(this, `assume-policy-user-${user}`, { provider, user, policyArn })));
    if (groups.length + roles.length + users.length === 0) {
      this.group = stableAddress(new IamGroup(this, "assumers", { provider, name: props.groupName }));
      stableAddress(new IamGroupPolicyAttachment(this, "assume-policy-assumers", { provider, group: this.group.name, policyArn }));
    }
    if (props.userName) {
      const user = stableAddress(new IamUser(this, "assuming-user", { provider, name: props.userName, path: "/" }));
      stableAddress(new IamUserPolicyAttachment(this, "assume-policy-assuming-user", { provider, user: user.name, policyArn }));
      this.accessKey = stableAddress(new IamAccessKey(this, "assuming-user-key", { provider, user: user.name }));
    }
  }
}
