import { join, resolve } from "node:path";
import { loadConfig } from "../../lib/config";
import { requiredProviders, synthesize } from "../../tools/proof/proof";
import { installProviders, type ProviderInstall } from "../../tools/proof/terraform";

/** Where the Terraform-backed tests work; kept out of git. */
export const WORK_DIR = resolve(".terraform-work", "jest");

let install: Promise<ProviderInstall> | undefined;

/**
 * Installs the providers the stacks require, once per jest worker (each in its
 * own folder, so parallel workers never race on one `terraform init`). When
 * Terraform or the provider is missing it rejects with one message saying
 * what is missing: the Terraform tests fail with it, and the other projects
 * still run.
 */
export function sharedInstall(): Promise<ProviderInstall> {
  install ??= (async () => {
    const dir = join(WORK_DIR, `worker-${process.env.JEST_WORKER_ID ?? "1"}`);
    const probe = synthesize(loadConfig("config/default.json"), join(dir, "probe"), "json");
    return installProviders(dir, requiredProviders(probe));
  })();
  return install;
}

/** Jest's project configs cannot set a timeout; Terraform runs take tens of seconds. */
export const TERRAFORM_TIMEOUT_MS = 180_000;
