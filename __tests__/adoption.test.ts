import { adoptionNeeded, existingResources } from "../tools/operations/adoption";
import type { StackUnit } from "../tools/operations/stack-graph";
import { DESTINATION_ACCOUNT, SOURCE_ACCOUNT, target } from "./support/fixtures";

/** The IAM stack of the example's destination, with its assume-role policy on the source provider. */
const unit = (policy: Record<string, unknown> = { provider: "aws.source" }): StackUnit => ({
  name: "destination-iam",
  kind: "iam",
  target: target(),
  dir: "/out/destination-iam",
  dependencies: [],
  synthesized: { resource: { aws_iam_policy: { "assume-role-policy": policy } } },
});

/** Terraform's diagnostic for a create that met EntityAlreadyExists, as it prints it without colour. */
const failure = (kind: string, name: string, address: string) =>
  [
    `Error: creating ${kind} (${name}): operation error IAM: Create, https response error StatusCode: 409, RequestID: 4bdc9a84,`,
    `EntityAlreadyExists: ${kind} with name ${name} already exists.`,
    "",
    `  with ${address},`,
    `  on cdk.tf.json line 243, in resource.${address}:`,
  ].join("\n");

describe("existingResources", () => {
  it("reads each resource a failed apply found in AWS, with the ID terraform import takes for it", () => {
    // GIVEN a role, a group and a policy that already exist
    const output = [
      failure("IAM Role", "cdktf-assume-role-ec2", "aws_iam_role.role"),
      failure("IAM Group", "ops-assumers", "aws_iam_group.assumers"),
      failure("IAM Policy", "assume-dev", "aws_iam_policy.assume-role-policy"),
    ].join("\n");
    // WHEN / THEN roles and groups are imported by name, a policy by its ARN in its provider's account
    expect(existingResources(unit(), output)).toEqual([
      { address: "aws_iam_role.role", kind: "IAM Role", name: "cdktf-assume-role-ec2", importId: "cdktf-assume-role-ec2" },
      { address: "aws_iam_group.assumers", kind: "IAM Group", name: "ops-assumers", importId: "ops-assumers" },
      {
        address: "aws_iam_policy.assume-role-policy",
        kind: "IAM Policy",
        name: "assume-dev",
        importId: `arn:aws:iam::${SOURCE_ACCOUNT}:policy/assume-dev`,
      },
    ]);
  });

  it("builds a policy's ARN in the destination account, under its path, when the stack gives it the destination provider", () => {
    const output = failure("IAM Policy", "scoped", "aws_iam_policy.assume-role-policy");
    expect(existingResources(unit({ provider: "aws.destination", path: "/team/" }), output)[0].importId).toBe(
      `arn:aws:iam::${DESTINATION_ACCOUNT}:policy/team/scoped`,
    );
  });

  it("leaves the import ID of a type it does not know to the provider's documentation", () => {
    const output = failure("IAM OIDC Provider", "token.actions.githubusercontent.com", "aws_iam_openid_connect_provider.ci");
    const [found] = existingResources(unit(), output);
    expect(found.importId).toBeUndefined();
    expect(adoptionNeeded(unit(), [found])).toContain(
      "npm run import -- destination-iam aws_iam_openid_connect_provider.ci <its ID: see the provider's import section for aws_iam_openid_connect_provider>",
    );
  });

  it("finds nothing in a failure of another kind, or a 409 that is not EntityAlreadyExists", () => {
    expect(
      existingResources(
        unit(),
        "Error: creating IAM Role (r): operation error IAM: CreateRole, StatusCode: 400, MalformedPolicyDocument\n  with aws_iam_role.role,",
      ),
    ).toEqual([]);
    expect(existingResources(unit(), "Error: waiting for EC2 Instance (i-1) create: timeout")).toEqual([]);
  });
});

describe("adoptionNeeded", () => {
  it("names each resource and its import command, why it can happen, and how to tell whether it is the stack's", () => {
    const found = existingResources(unit(), failure("IAM Role", "cdktf-assume-role-ec2", "aws_iam_role.role"));
    expect(adoptionNeeded(unit(), found)).toBe(
      "IAM Role cdktf-assume-role-ec2 (aws_iam_role.role) exists in AWS but not in the state: npm run import -- destination-iam aws_iam_role.role cdktf-assume-role-ec2. " +
        "AWS created it and its answer was lost (a cut connection), or it was made outside this stack: if it is this stack's (it carries the tag Project=cdktf-assume-role), adopt it with that command and run this again; if not, rename or remove it in AWS",
    );
  });
});
