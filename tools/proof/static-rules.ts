/**
 * Static checks over synthesized stacks, mirroring the checkov and KICS
 * rules a reviewer would run on the Terraform JSON. Pure functions of the
 * stack, so tests can run them on every stack of any config.
 */

type Json = Record<string, unknown>;

export interface Finding {
  readonly rule: string;
  readonly address: string;
  readonly message: string;
}

export interface StaticRule {
  readonly id: string;
  readonly title: string;
  check(stack: Json): Finding[];
}

interface Statement {
  Effect?: string;
  Principal?: string | { AWS?: string | string[] };
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function resources(stack: Json, type: string): [string, Json][] {
  const byName = ((stack.resource ?? {}) as Record<string, Record<string, Json>>)[type] ?? {};
  return Object.entries(byName).map(([name, attributes]) => [`${type}.${name}`, attributes]);
}

/** Every policy document in the stack, with the address and attribute it came from. */
function policyDocuments(stack: Json): { address: string; statements: Statement[]; trust: boolean }[] {
  const sources: [string, string, boolean][] = [
    ["aws_iam_role", "assume_role_policy", true],
    ["aws_iam_role_policy", "policy", false],
    ["aws_iam_policy", "policy", false],
    ["aws_iam_user_policy", "policy", false],
    ["aws_iam_group_policy", "policy", false],
  ];
  return sources.flatMap(([type, attribute, trust]) =>
    resources(stack, type)
      .filter(([, attributes]) => typeof attributes[attribute] === "string")
      .map(([address, attributes]) => ({
        address,
        trust,
        statements: asArray((JSON.parse(attributes[attribute] as string) as { Statement: Statement | Statement[] }).Statement),
      })),
  );
}

const principals = (s: Statement): string[] => (typeof s.Principal === "string" ? [s.Principal] : asArray(s.Principal?.AWS));
const hasConditionKey = (s: Statement, key: string) =>
  Object.values(s.Condition ?? {}).some((block) => Object.keys(block).some((k) => k.toLowerCase() === key.toLowerCase()));
const allows = (s: Statement) => s.Effect === "Allow";

function rule(id: string, title: string, check: (stack: Json) => { address: string; message: string }[]): StaticRule {
  return { id, title, check: (stack) => check(stack).map((f) => ({ rule: id, ...f })) };
}

export const STATIC_RULES: readonly StaticRule[] = [
  rule("CKV_AWS_60", "IAM role trust policy does not let any principal (*) assume it", (stack) =>
    policyDocuments(stack)
      .filter((p) => p.trust)
      .flatMap((p) =>
        p.statements.filter((s) => allows(s) && principals(s).includes("*")).map(() => ({ address: p.address, message: "trusts Principal *" })),
      ),
  ),
  rule("CKV_AWS_61", "IAM role trust policy does not trust a whole account (:root) without narrowing to named principals", (stack) =>
    policyDocuments(stack)
      .filter((p) => p.trust)
      .flatMap((p) =>
        p.statements
          .filter((s) => allows(s) && principals(s).some((arn) => arn.endsWith(":root")) && !hasConditionKey(s, "aws:PrincipalArn"))
          .map(() => ({ address: p.address, message: "trusts an account root with no aws:PrincipalArn condition" })),
      ),
  ),
  rule("CKV_AWS_62", 'No IAM policy grants full administrative "*" on "*"', (stack) =>
    policyDocuments(stack).flatMap((p) =>
      p.statements
        .filter((s) => allows(s) && asArray(s.Action).includes("*") && asArray(s.Resource).includes("*"))
        .map(() => ({ address: p.address, message: 'allows "*" on "*"' })),
    ),
  ),
  rule("CKV_AWS_63", 'No IAM policy statement allows every action ("*")', (stack) =>
    policyDocuments(stack).flatMap((p) =>
      p.statements.filter((s) => allows(s) && asArray(s.Action).includes("*")).map(() => ({ address: p.address, message: 'allows Action "*"' })),
    ),
  ),
  rule("CKV_AWS_79", "Instance metadata service requires IMDSv2 tokens", (stack) =>
    resources(stack, "aws_instance")
      .filter(([, instance]) => (instance.metadata_options as Json | undefined)?.http_tokens !== "required")
      .map(([address]) => ({ address, message: "metadata_options.http_tokens is not required" })),
  ),
  rule("CKV_AWS_8", "Instance block devices are encrypted", (stack) =>
    resources(stack, "aws_instance").flatMap(([address, instance]) =>
      [...asArray(instance.root_block_device as Json | Json[]), ...asArray(instance.ebs_block_device as Json | Json[])]
        .concat(instance.root_block_device === undefined ? [{}] : [])
        .filter((device) => device.encrypted !== true)
        .map(() => ({ address, message: "a block device is not encrypted" })),
    ),
  ),
  rule("CKV_AWS_88", "Instance has no public IP address", (stack) =>
    resources(stack, "aws_instance")
      .filter(([, instance]) => instance.associate_public_ip_address !== false)
      .map(([address]) => ({ address, message: "associate_public_ip_address is not false" })),
  ),
  rule("CKV_AWS_126", "Instance has detailed monitoring", (stack) =>
    resources(stack, "aws_instance")
      .filter(([, instance]) => instance.monitoring !== true)
      .map(([address]) => ({ address, message: "monitoring is not true" })),
  ),
  rule("KICS cross-account AssumeRole without ExternalId or MFA", "A trust policy for another account requires sts:ExternalId or MFA", (stack) =>
    policyDocuments(stack)
      .filter((p) => p.trust)
      .flatMap((p) =>
        p.statements
          .filter(
            (s) =>
              allows(s) && principals(s).length > 0 && !hasConditionKey(s, "sts:ExternalId") && !hasConditionKey(s, "aws:MultiFactorAuthPresent"),
          )
          .map(() => ({ address: p.address, message: "cross-account trust without sts:ExternalId or aws:MultiFactorAuthPresent" })),
      ),
  ),
];

/** Outputs that carry a secret attribute (an access key secret, a password, a private key) and are not sensitive. */
export function exposedSecrets(stack: Json): Finding[] {
  const outputs = (stack.output ?? {}) as Record<string, { value?: unknown; sensitive?: boolean }>;
  return Object.entries(outputs)
    .filter(
      ([, output]) =>
        /\.(secret|ses_smtp_password_v4|password|private_key|encrypted_secret)\b/.test(JSON.stringify(output.value)) && output.sensitive !== true,
    )
    .map(([name]) => ({ rule: "sensitive-outputs", address: `output.${name}`, message: "exposes a secret without sensitive = true" }));
}
