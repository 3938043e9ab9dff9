import { policyArn } from "../../lib/arn";
import type { StackUnit } from "./stack-graph";

/**
 * IAM's creates are not idempotent: when AWS creates a role and its answer is lost (a cut connection), the SDK's
 * retry meets EntityAlreadyExists, and Terraform fails with the role in AWS and not in its state, on every run
 * after. EC2's RunInstances is spared by its ClientToken. This reads such failures and says how to adopt what exists:
 * `npm run import`, Terraform's own import, with the ID the provider's import takes for each type.
 */

/** A resource Terraform tried to create that AWS already holds. */
export interface ExistingResource {
  /** Its address in the stack (`aws_iam_role.role`). */
  readonly address: string;
  /** What Terraform called it (`IAM Role`). */
  readonly kind: string;
  /** The name in the failed create. */
  readonly name: string;
  /** The ID `terraform import` takes for it, when this module knows how to build it. @default - unknown */
  readonly importId?: string;
}

const ALREADY_EXISTS = /Error: creating ([\w ]+?) \(([^)]+)\): .*?EntityAlreadyExists.*? with (\w+)\.([\w-]+),/g;

/** Types whose import ID is their name, as the provider's import takes it. */
const IMPORTED_BY_NAME = new Set(["aws_iam_role", "aws_iam_group", "aws_iam_user", "aws_iam_instance_profile"]);

/** The import ID of a customer managed policy: its ARN, in the account of the provider the stack gives it. */
function policyImportId(unit: StackUnit, name: string, resource: string): string {
  const config = (unit.synthesized.resource as Record<string, Record<string, { provider?: string; path?: string }>> | undefined)?.aws_iam_policy?.[
    resource
  ];
  const account = config?.provider === "aws.destination" ? unit.target.destination.accountId : unit.target.source.accountId;
  return policyArn(unit.target.partition, account, name, config?.path ?? "/");
}

/** The resources a failed apply found already in AWS, from Terraform's diagnostics. */
export function existingResources(unit: StackUnit, output: string): ExistingResource[] {
  const folded = output.replace(/\s+/g, " ");
  return [...folded.matchAll(ALREADY_EXISTS)].map(([, kind, name, type, resource]) => ({
    address: `${type}.${resource}`,
    kind,
    name,
    importId: IMPORTED_BY_NAME.has(type) ? name : type === "aws_iam_policy" ? policyImportId(unit, name, resource) : undefined,
  }));
}

/** What to do about resources AWS holds and the stack's state does not. */
export function adoptionNeeded(unit: StackUnit, found: readonly ExistingResource[]): string {
  const each = found.map(
    (r) =>
      `${r.kind} ${r.name} (${r.address}) exists in AWS but not in the state: npm run import -- ${unit.name} ${r.address} ${r.importId ?? `<its ID: see the provider's import section for ${r.address.split(".")[0]}>`}`,
  );
  return (
    `${each.join("; ")}. AWS created it and its answer was lost (a cut connection), or it was made outside this stack: ` +
    `if it is this stack's (it carries the tag Project=${unit.target.project}), adopt it with that command and run this again; if not, rename or remove it in AWS`
  );
}
