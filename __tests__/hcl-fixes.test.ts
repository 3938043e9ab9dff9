import { Testing } from "cdktf";
import { fixHclAttributes } from "../lib/hcl-fixes";
import { IamStack } from "../stacks/iam-stack";
import { target } from "./support/fixtures";

describe("fixHclAttributes", () => {
  it("turns lifecycle conditions into typed blocks and references into unquoted expressions", () => {
    // GIVEN attributes as CDKTF renders them for HCL
    const attributes: Record<string, unknown> = {
      provider: "aws.source",
      depends_on: ["data.a.b", "aws_x.y"],
      lifecycle: { create_before_destroy: true, postcondition: [{ condition: "${true}", error_message: "m" }] },
      policy: { type: "simple", storageClassType: "string", value: '{"Resource":"subnet/${TfToken[TOKEN.6]}","Note":"a\\b"}' },
    };
    // WHEN
    fixHclAttributes(attributes);
    // THEN
    expect(attributes).toEqual({
      provider: { type: "reference", value: "aws.source" },
      depends_on: { type: "reference", value: "[data.a.b, aws_x.y]" },
      policy: { type: "simple", storageClassType: "string", value: '{\\"Resource\\":\\"subnet/${TfToken[TOKEN.6]}\\",\\"Note\\":\\"a\\\\b\\"}' },
      lifecycle: {
        isBlock: true,
        value: {
          create_before_destroy: true,
          postcondition: { isBlock: true, type: "list", storageClassType: "object", value: [{ condition: "${true}", error_message: "m" }] },
        },
      },
    });
  });
});

describe("HCL synthesis of a stack", () => {
  const app = Testing.app();
  const stack = new IamStack(app, "destination-iam", { target: target(), outdir: app.outdir });
  const hcl: string = Testing.synthHcl(stack);

  it("writes postconditions as blocks", () => {
    expect(hcl).toMatch(/lifecycle \{\npostcondition \{\ncondition = "\$\{self.account_id == "111111111111"\}"/);
    expect(hcl).not.toMatch(/postcondition\s*=/);
  });

  it("writes provider and depends_on references unquoted", () => {
    expect(hcl).toContain("provider = aws.destination\n");
    expect(hcl).toContain("depends_on = [data.aws_caller_identity.destination-account]");
    expect(hcl).not.toMatch(/provider = "/);
  });

  it("escapes the quotes of a string that also holds a reference: the policy naming the looked-up subnet", () => {
    expect(hcl).toMatch(/\\"arn:aws:ec2:us-east-2:222222222222:subnet\/\$\{data\.aws_subnet\.subnet\.id\}\\"/);
    expect(hcl).not.toMatch(/policy = "\{"Version"/);
  });

  it("escapes the quotes of a policy holding an IAM policy variable, keeping Terraform's $${ escape", () => {
    const byUser = Testing.synthHcl(
      new IamStack(Testing.app(), "destination-iam", { target: target({}, { requireSessionName: "username" }), outdir: "." }),
    );
    expect(byUser).toContain('\\"sts:RoleSessionName\\":\\"$${aws:username}\\"');
  });

  it("renders the same HCL when the same stack is synthesized again", () => {
    // WHEN the aspect runs a second time on the same constructs
    const again: string = Testing.synthHcl(stack);
    // THEN nothing is fixed twice
    expect(again).toBe(hcl);
    expect(again).not.toContain("isBlock");
  });

  it("leaves the JSON output unchanged", () => {
    const json = JSON.parse(Testing.synth(stack));
    expect(json.data.aws_caller_identity["source-account"]).toMatchObject({
      provider: "aws.source",
      lifecycle: { postcondition: [expect.any(Object)] },
    });
  });
});
