import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { AppConfig } from "../../lib/config";
import { assumedRoleArn } from "../../lib/arn";
import { resolveTargets } from "../../lib/targets";
import { policyOf, synthApp } from "./fixtures";

type Json = Record<string, unknown>;
export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** The three policy documents of a destination, as synthesized: what AWS would receive. */
export interface SynthesizedPolicies {
  readonly trust: Json;
  readonly permissions: Json;
  readonly source: Json;
  readonly roleArn: string;
  readonly sessionArn: string;
  /** The CI role's trust, with `source.ciOidc`. */
  readonly ciTrust?: Json;
}

/** What the IAM stack's network lookups return in the simulated account. */
export const LOOKED_UP = { subnetId: "subnet-0looked0up0000001", securityGroupId: "sg-0looked0up00000001" } as const;

/**
 * Synthesizes the app and reads the first destination's policies back out of
 * the Terraform JSON, with the network lookups' IDs filled in as Terraform
 * would at apply.
 */
export function synthesizedPolicies(config: AppConfig): SynthesizedPolicies {
  const [target] = resolveTargets(config);
  const iam = synthApp(config).stack(target.iamStackName);
  const scoped = JSON.stringify(policyOf(iam, "aws_iam_role_policy", "role-scoped-ec2"))
    .replaceAll("${data.aws_subnet.subnet.id}", LOOKED_UP.subnetId)
    .replaceAll("${data.aws_security_group.security-group.id}", LOOKED_UP.securityGroupId);
  return {
    trust: policyOf(iam, "aws_iam_role", "role", "assume_role_policy"),
    permissions: JSON.parse(scoped) as Json,
    source: policyOf(iam, "aws_iam_policy", "assume-role-policy"),
    roleArn: target.role.arn,
    sessionArn: assumedRoleArn(target.partition, target.destination.accountId, target.role.name, target.role.sessionName),
    ...(target.ci ? { ciTrust: policyOf(iam, "aws_iam_role", "ci-role", "assume_role_policy") } : {}),
  };
}

export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly context?: Record<string, string | string[]>;
  readonly identityPolicies: readonly Json[];
  readonly resourcePolicy?: Json;
}

/** Evaluates one request; a simulator validation error fails the test with its message. */
export async function decide(request: Request): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: { ...request.context },
      },
      identityPolicies: request.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`simulation rejected: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}
