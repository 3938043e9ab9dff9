import { join } from "node:path";
import { parseConfig } from "../../lib/config";
import { resolveTargets } from "../../lib/targets";
import { proveConfig, type ProofReport } from "../../tools/proof/proof";
import { destinations, rawConfig } from "../support/fixtures";
import { sharedInstall, TERRAFORM_TIMEOUT_MS, WORK_DIR } from "./install";
import { explain } from "./proof-assertions";

// Per-destination overrides, so the stacks differ in more than their names.
const config = parseConfig(
  rawConfig({
    destinations: destinations(3).map((d, i) => (i === 2 ? { ...d, region: "eu-west-1", instanceType: "t4g.small", externalId: "third-ext" } : d)),
    role: {
      name: "cross-account-ec2",
      externalId: "shared-ext",
      trustedPrincipalArns: ["arn:aws:iam::111111111111:user/ci"],
      // An IAM policy variable (${aws:username}) in the trust, and the EC2 stack's second provider that reads the user name.
      requireSessionName: "username",
    },
  }),
);
const stacks = resolveTargets(config).flatMap((t) => [t.iamStackName, t.ec2StackName]);
let report: ProofReport;

beforeAll(async () => {
  // Budget: every Terraform command loads the AWS provider schema (seconds of CPU: docs/benchmarks.md). The JSON of a three-destination
  // config is deployed for real by the end-to-end layer (__tests__/e2e/three-destinations.test.ts); what only this
  // layer covers is the HCL output, with an arm64 type in another region, a named trusted user and a required session name.
  report = await proveConfig(config, { workDir: join(WORK_DIR, "three"), install: await sharedInstall(), formats: ["hcl"], rehearse: false });
}, TERRAFORM_TIMEOUT_MS);

describe("a three-destination config, through Terraform", () => {
  it("has six stacks", () => {
    expect(stacks).toHaveLength(6);
  });

  it.each(stacks)("%s is valid as HCL", (stack) => {
    const formats = report.validations.filter((v) => v.stack === stack && v.valid).map((v) => v.format);
    expect({ formats, problems: explain(report, stack) }).toEqual({ formats: ["hcl"], problems: "" });
    expect(report.ok).toBe(true);
  });
});
