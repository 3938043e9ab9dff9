import { join } from "node:path";
import { loadConfig } from "../../lib/config";
import { resolveTargets } from "../../lib/targets";
import { proveConfig, type ProofReport } from "../../tools/proof/proof";
import { sharedInstall, TERRAFORM_TIMEOUT_MS, WORK_DIR } from "./install";
import { explain, outcomes } from "./proof-assertions";

const config = loadConfig("config/default.json");
const [target] = resolveTargets(config);
let report: ProofReport;
const progress: string[] = [];

beforeAll(async () => {
  // GIVEN the example config, synthesized as JSON and HCL
  // WHEN every stack is validated and rehearsed, negatives included
  report = await proveConfig(config, { workDir: join(WORK_DIR, "default"), install: await sharedInstall(), progress: (line) => progress.push(line) });
}, TERRAFORM_TIMEOUT_MS);

describe("the example config, through Terraform", () => {
  it.each([target.iamStackName, target.ec2StackName])("%s is valid Terraform as JSON and as HCL", (stack) => {
    const formats = report.validations.filter((v) => v.stack === stack && v.valid).map((v) => v.format);
    expect({ formats, problems: explain(report, stack) }).toEqual({ formats: ["json", "hcl"], problems: "" });
  });

  it("rehearses the IAM stack: role through the destination provider, policy through the source provider, outputs", () => {
    expect(outcomes(report, target.iamStackName)).toEqual({
      "apply.tftest.hcl": "as expected",
      "wrong-source-account.tftest.hcl": "as expected",
      "wrong-destination-account.tftest.hcl": "as expected",
    });
  });

  it("rehearses the EC2 stack through the IAM rehearsal's role, and stops when the session lands in another account", () => {
    expect(outcomes(report, target.ec2StackName)).toEqual({ "apply.tftest.hcl": "as expected", "wrong-assumed-account.tftest.hcl": "as expected" });
  });

  it("reports each stack's checks as they start and end", () => {
    for (const check of [
      "destination-iam: validate (json)",
      "destination-ec2: validate (hcl)",
      "destination-iam: rehearsal",
      "destination-ec2: rehearsal",
    ]) {
      expect(progress).toContain(`${check}: started`);
      expect(progress).toEqual(
        expect.arrayContaining([expect.stringMatching(new RegExp(`^${check.replace(/[()]/g, "\\$&")}: (valid|as expected) in \\d+\\.\\d s$`))]),
      );
    }
  });

  it("summarises what would be created, where, and through which role", () => {
    const ec2 = report.rehearsals.find((r) => r.stack === target.ec2StackName);
    expect(ec2?.summary).toContain(`  + aws_instance.instance in account 222222222222 through role ${target.role.arn}`);
    expect(report.ok).toBe(true);
  });
});
