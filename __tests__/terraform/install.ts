import type { ProviderInstall } from "../../tools/proof/terraform";

/** The install global-setup.ts made, handed to workers through the environment. */
export function sharedInstall(): ProviderInstall {
  const dataDir = process.env.PROOF_TF_DATA_DIR;
  const lockFile = process.env.PROOF_TF_LOCK_FILE;
  if (!dataDir || !lockFile) throw new Error("Run the Terraform tests through jest's terraform project: its global setup installs the providers.");
  return { dataDir, lockFile };
}

/** Jest's project configs cannot set a timeout; Terraform runs take tens of seconds. */
export const TERRAFORM_TIMEOUT_MS = 180_000;
