import { labelLines, StackLines } from "../tools/operations/cdktf";

// As cdktf 0.21 prints two stacks at once under CI=1 (see .terraform-work runs in the e2e layer).
const TWO_STACKS = `dev-ec2  Initializing the backend...
prod-ec2  Initializing the backend...
dev-ec2  Error: Cannot assume IAM Role
           with provider["registry.terraform.io/hashicorp/aws"],
         IAM Role (arn:aws:iam::222222222222:role/x) cannot be
         assumed.
prod-ec2  Apply complete! Resources: 1 added, 0 changed, 0 destroyed.
          Outputs:
Invoking Terraform CLI failed with exit code 1

  prod-ec2
  instance_id = i-0123`;

describe("StackLines", () => {
  it("gives each line of a multi-stack run to its stack, continuation lines and the outputs summary included", () => {
    // GIVEN
    const lines = new StackLines(["dev-ec2", "prod-ec2"]);
    // WHEN
    const shown = TWO_STACKS.split("\n").flatMap((line) => lines.take(line).shown ?? []);
    // THEN
    expect(lines.output("dev-ec2").split("\n")).toEqual([
      "Initializing the backend...",
      "Error: Cannot assume IAM Role",
      '  with provider["registry.terraform.io/hashicorp/aws"],',
      "IAM Role (arn:aws:iam::222222222222:role/x) cannot be",
      "assumed.",
    ]);
    expect(lines.output("prod-ec2")).toContain("Apply complete!");
    expect(lines.output("prod-ec2")).toContain("instance_id = i-0123");
    expect(lines.output("prod-ec2")).not.toContain("Invoking Terraform CLI failed");
    expect(shown).toContain("dev-ec2  assumed.");
    expect(shown).toContain("Invoking Terraform CLI failed with exit code 1");
  });

  it("says a stack that printed nothing printed nothing", () => {
    const lines = new StackLines(["dev-iam", "dev-ec2"]);
    lines.take("dev-iam  Apply complete!");
    expect(lines.output("dev-ec2")).toBe("");
  });

  it("does not take a stack's name for the start of a longer one", () => {
    const lines = new StackLines(["dev-iam", "dev-iam-2-iam"]);
    expect(lines.take("dev-iam-2-iam  Initializing").stack).toBe("dev-iam-2-iam");
  });
});

describe("labelLines", () => {
  it("labels every line of one stack's output, replacing cdktf's continuation indent", () => {
    expect(labelLines(["dev-iam"], "dev-iam  Planning\n         aws_iam_role.role: Creating...\n\nDone")).toEqual([
      "dev-iam  Planning",
      "dev-iam  aws_iam_role.role: Creating...",
      "dev-iam  Done",
    ]);
  });
});
