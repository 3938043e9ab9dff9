import { join, resolve } from "node:path";
import { loadConfig } from "../../lib/config";
import { requiredProviders, synthesize } from "../../tools/proof/proof";
import { installProviders } from "../../tools/proof/terraform";

/** Where the Terraform-backed tests work; kept out of git. */
export const WORK_DIR = resolve(".terraform-work", "jest");

/**
 * Installs the providers once for all Terraform test files, before any worker
 * starts, so parallel workers never race on an install. Throws (failing the
 * run, never skipping it) when Terraform or the provider is missing.
 */
export default async function globalSetup(): Promise<void> {
  const probe = synthesize(loadConfig("config/default.json"), join(WORK_DIR, "probe"), "json");
  const install = await installProviders(WORK_DIR, requiredProviders(probe));
  process.env.PROOF_TF_DATA_DIR = install.dataDir;
  process.env.PROOF_TF_LOCK_FILE = install.lockFile;
}
