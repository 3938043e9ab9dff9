import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../lib/config";
import { resolveTargets } from "../../lib/targets";
import { synthesize, validateStack } from "../../tools/proof/proof";
import { ec2RehearsalFiles, iamRehearsalFiles, runRehearsal } from "../../tools/proof/rehearsal";
import { installProviders } from "../../tools/proof/terraform";
import { sharedInstall, TERRAFORM_TIMEOUT_MS, WORK_DIR } from "./install";
import { withEnv } from "../../tools/proof/env";

const config = loadConfig("config/default.json");
const [target] = resolveTargets(config);

describe("the Terraform checks catch what they claim to", () => {
  it(
    "fail with one clear message when the provider cannot be installed",
    async () => {
      // GIVEN a Terraform CLI config whose only source is an empty mirror
      const work = join(WORK_DIR, "no-provider");
      mkdirSync(join(work, "mirror"), { recursive: true });
      const cliConfig = join(work, "terraformrc");
      writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path = "${join(work, "mirror")}"\n  }\n}\n`);
      // WHEN
      const attempt = withEnv({ TF_CLI_CONFIG_FILE: cliConfig }, () => installProviders(work, { aws: { source: "aws", version: "5.100.0" } }));
      // THEN
      await expect(attempt).rejects.toThrow(/terraform init could not install[\s\S]*hashicorp\/aws[\s\S]*TF_PROVIDER_MIRROR/);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    "validation, and the rehearsal, fail on an attribute the provider schema does not have",
    async () => {
      // GIVEN a synthesized EC2 stack with a misspelt attribute
      const synth = synthesize(config, join(WORK_DIR, "broken-validate"), "json");
      const dir = synth.stackDirs[target.ec2StackName];
      const file = join(dir, "cdk.tf.json");
      const stack = JSON.parse(readFileSync(file, "utf8"));
      stack.resource.aws_instance.instance.instance_typ = "t3.micro";
      writeFileSync(file, JSON.stringify(stack));
      // WHEN
      const report = await validateStack(target.ec2StackName, dir, "json", await sharedInstall());
      const [rehearsal] = await runRehearsal(dir, ec2RehearsalFiles(target, stack, target.role.arn).slice(0, 1), await sharedInstall());
      // THEN both refuse the configuration
      expect(report.valid).toBe(false);
      expect(report.problems.join("\n")).toMatch(/No argument or block type is named "instance_typ"/);
      expect(rehearsal.asExpected).toBe(false);
      expect(rehearsal.diagnostics.join("\n")).toMatch(/No argument or block type is named "instance_typ"/);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    "the rehearsal fails when the stack does not do what the config says",
    async () => {
      // GIVEN the real IAM stack, rehearsed against a config that expects another external ID
      const synth = synthesize(config, join(WORK_DIR, "broken-rehearsal"), "json");
      const dir = synth.stackDirs[target.iamStackName];
      const expectsOther = { ...target, role: { ...target.role, externalId: "another-external-id" } };
      // WHEN
      const [apply] = await runRehearsal(dir, iamRehearsalFiles(expectsOther).slice(0, 1), await sharedInstall());
      // THEN the assertion on the trust policy fails
      expect(apply).toMatchObject({ status: "fail", asExpected: false });
      expect(apply.diagnostics.join("\n")).toContain("The trust policy does not require the external ID.");
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
