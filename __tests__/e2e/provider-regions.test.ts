import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { regionPartition, REGIONS_UNKNOWN_TO_TERRAFORM } from "../../lib/regions";
import { providerSource } from "../../tools/terraform/providers";
import { runTerraform } from "../../tools/terraform/run";
import { E2E_TIMEOUT_MS } from "./support";

/**
 * Which regions the pinned Terraform and provider refuse, asked of them: AWS's SDK data (which the config's region
 * check reads) can list a region before hashicorp/aws 5.100.0 knows it. No AWS is reached: the region is validated
 * when the provider is configured, and a data source that reads only its own configuration needs no call.
 */
const PINNED = '  required_providers {\n    aws = { source = "hashicorp/aws", version = "5.100.0" }\n  }';
const OFFLINE = ["skip_credentials_validation = true", "skip_requesting_account_id = true", "skip_metadata_api_check = true"];

/** Every region AWS's SDK data knows, in the partitions the config takes: names of every shape AWS uses, kept if known. */
function sdkRegions(): string[] {
  const prefixes = ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn", "us-gov"];
  const directions = ["north", "south", "east", "west", "central", "northeast", "northwest", "southeast", "southwest"];
  return prefixes
    .flatMap((prefix) => directions.flatMap((direction) => Array.from({ length: 9 }, (_, i) => `${prefix}-${direction}-${i + 1}`)))
    .filter((region) => ["aws", "aws-cn", "aws-us-gov"].includes(regionPartition(region) ?? ""));
}

describe("the regions the pinned Terraform refuses", () => {
  it(
    "are exactly REGIONS_UNKNOWN_TO_TERRAFORM among every region AWS's SDK knows, for hashicorp/aws 5.100.0",
    async () => {
      // GIVEN one provider configuration per region the SDK knows, each read by a data source
      const regions = sdkRegions();
      const dir = mkdtempSync(join(tmpdir(), "provider-regions-"));
      const config = [
        `terraform {\n${PINNED}\n}`,
        ...regions.map(
          (region) =>
            `provider "aws" {\n  alias = "${region}"\n  region = "${region}"\n  access_key = "AKIAEXAMPLE"\n  secret_key = "example"\n  ${OFFLINE.join("\n  ")}\n}\n` +
            `data "aws_region" "${region}" {\n  provider = aws.${region}\n}`,
        ),
      ].join("\n");
      writeFileSync(join(dir, "main.tf"), config);
      const { env } = providerSource();
      // WHEN Terraform plans it
      expect((await runTerraform(["init", "-input=false", "-no-color"], { cwd: dir, env })).code).toBe(0);
      const plan = await runTerraform(["plan", "-input=false", "-no-color"], { cwd: dir, env });
      // THEN the provider refuses exactly the listed regions, and plans every other
      const refused = [...(plan.stdout + plan.stderr).matchAll(/invalid AWS Region: ([\w-]+)/g)].map((m) => m[1]);
      expect(regions.length).toBeGreaterThan(35);
      expect([...new Set(refused)].sort()).toEqual([...REGIONS_UNKNOWN_TO_TERRAFORM].sort());
    },
    E2E_TIMEOUT_MS,
  );

  it.each(REGIONS_UNKNOWN_TO_TERRAFORM)(
    "%s is refused by Terraform 1.11's S3 backend too, before it reaches any network",
    async (region) => {
      // GIVEN an S3 backend in that region
      const dir = mkdtempSync(join(tmpdir(), "backend-region-"));
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, "main.tf"),
        `terraform {\n  backend "s3" {\n    bucket = "state"\n    key = "stack.tfstate"\n    region = "${region}"\n    access_key = "AKIAEXAMPLE"\n    secret_key = "example"\n    ${OFFLINE.join("\n    ")}\n  }\n}\n`,
      );
      // WHEN
      const init = await runTerraform(["init", "-input=false", "-no-color"], { cwd: dir, env: providerSource().env });
      // THEN
      expect(init.code).toBe(1);
      expect(init.stdout + init.stderr).toContain("Invalid region value");
    },
    E2E_TIMEOUT_MS,
  );
});
