import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Annotations, TerraformStack, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Partition } from "../lib/config";
import { terraformPolicy, type PolicyDocument } from "../lib/policy-document";
import type { RoleSettings } from "../lib/targets";
import { buildTrustPolicy } from "../lib/trust-policy";
import { stableAddress } from "./stable-address";

export interface CrossAccountRoleProps {
  /** The destination account's provider: the role is created there. */
  readonly provider: AwsProvider;
  readonly partition: Partition;
  /** The account whose principals may assume the role. */
  readonly sourceAccountId: string;
  /** Name, path, ARN and trust controls of the role. */
  readonly role: RoleSettings;
  readonly description: string;
  /**
   * What the role may do: an inline policy (the scoped one), or an AWS-managed
   * policy attached by ARN (tutorial parity, with a synth warning).
   */
  readonly permissions: { readonly inlinePolicy: PolicyDocument } | { readonly managedPolicyArn: string; readonly warning: string };
  /** @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The destination side of the trust: the role, its trust policy, its
 * permissions and their bounds. The ARN is computed before apply (policies
 * elsewhere name it literally), and a postcondition proves the computation.
 */
export class CrossAccountRole extends Construct {
  public readonly role: IamRole;
  /** ARN of the role, for policies and cross-stack references. */
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: CrossAccountRoleProps) {
    super(scope, id);
    const { provider, role: settings } = props;
    this.role = stableAddress(
      new IamRole(this, "role", {
        provider,
        name: settings.name,
        path: settings.path,
        description: props.description,
        assumeRolePolicy: terraformPolicy(buildTrustPolicy(props.partition, props.sourceAccountId, settings)),
        maxSessionDuration: settings.maxSessionDurationSeconds,
        permissionsBoundary: settings.permissionsBoundaryArn,
        dependsOn: props.dependsOn,
        lifecycle: {
          postcondition: [
            { condition: `\${self.arn == "${settings.arn}"}`, errorMessage: `The role's ARN is \${self.arn}, expected ${settings.arn}.` },
          ],
        },
      }),
    );
    if (settings.trustedPrincipalArns.length === 0) {
      // Read by the static rules (tools/policy): the exception is recorded where it applies, with its reason.
      this.role.addOverride("//.exceptions", [
        {
          rule: "CKV_AWS_61",
          reason:
            "No role.trustedPrincipalArns: the trust names the source account, and the assume-role policy this stack attaches in that account decides who may assume. Name principals to pass the rule.",
        },
      ]);
    }
    this.arn = this.role.arn;

    if ("managedPolicyArn" in props.permissions) {
      // On the stack, where cdktf's manifest and the synth summary read warnings.
      Annotations.of(TerraformStack.of(this)).addWarning(props.permissions.warning);
      stableAddress(
        new IamRolePolicyAttachment(this, "role-ec2-full-access", { provider, role: this.role.name, policyArn: props.permissions.managedPolicyArn }),
      );
    } else {
      stableAddress(
        new IamRolePolicy(this, "role-scoped-ec2", {
          provider,
          role: this.role.name,
          name: "scoped-ec2",
          policy: terraformPolicy(props.permissions.inlinePolicy),
        }),
      );
    }
  }
}
