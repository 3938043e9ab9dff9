import { join } from "node:path";
import { parseConfig } from "../../lib/config";
import { resolveTargets } from "../../lib/targets";
import { proveConfig, type ProofReport } from "../../tools/proof/proof";
import { destinations, rawConfig } from "../support/fixtures";
import { WORK_DIR } from "./global-setup";
import { sharedInstall, TERRAFORM_TIMEOUT_MS } from "./install";
import { explain, outcomes } from "./proof-assertions";

// Per-destination overrides, so the stacks differ in more than their names.
const config = parseConfig(
  rawConfig({
    destinations: destinations(3).map((d, i) => (i === 2 ? { ...d, region: "eu-west-1", instanceType: "t4g.small", externalId: "third-ext" } : d)),
    role: { name: "cross-account-ec2", externalId: "shared-ext", trustedPrincipalArns: ["arn:aws:iam::111111111111:role/ci"] },
  }),
);
const stacks = resolveTargets(config).flatMap((t) => [t.iamStackName, t.ec2StackName]);
let report: ProofReport;

beforeAll(async () => {
  // Budget: every Terraform command loads the AWS provider schema (~3 s of CPU). The JSON stacks are validated by
  // `terraform test` itself, which refuses an invalid configuration (broken-stack.test.ts proves it); the
  // wrong-account negatives are the same postconditions the example config's run proves.
  report = await proveConfig(config, { workDir: join(WORK_DIR, "three"), install: sharedInstall(), negatives: false, formats: ["hcl"] });
}, TERRAFORM_TIMEOUT_MS);

describe("a three-destination config, through Terraform", () => {
  it("has six stacks", () => {
    expect(stacks).toHaveLength(6);
  });

  it.each(stacks)("%s is valid as HCL, and its JSON passes validation and the apply rehearsal", (stack) => {
    const formats = report.validations.filter((v) => v.stack === stack && v.valid).map((v) => v.format);
    expect({ formats, rehearsal: outcomes(report, stack), problems: explain(report, stack) }).toEqual({
      formats: ["hcl"],
      rehearsal: { "apply.tftest.hcl": "as expected" },
      problems: "",
    });
  });
});
