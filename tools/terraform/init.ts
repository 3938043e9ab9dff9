import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * When a stack folder needs `terraform init`: never initialized, or its
 * provider requirements, backend, lock file or provider source changed since
 * the last init. Each init re-hashes the 700 MB provider (about a second of
 * CPU), so an unchanged stack skips it.
 */

const FINGERPRINT = join(".terraform", "cdktf-assume-role-init.sha256");
export const LOCK_FILE = ".terraform.lock.hcl";

/** The stack's `terraform` block (providers and backend), as JSON or HCL. */
function terraformBlock(stackDir: string): string {
  const json = join(stackDir, "cdk.tf.json");
  if (existsSync(json)) return JSON.stringify((JSON.parse(readFileSync(json, "utf8")) as { terraform?: unknown }).terraform ?? {});
  const hcl = join(stackDir, "cdk.tf");
  return existsSync(hcl) ? readFileSync(hcl, "utf8") : "";
}

const read = (file: string | undefined) => (file && existsSync(file) ? readFileSync(file, "utf8") : "");

/** What an init depends on, hashed. */
export function initFingerprint(stackDir: string, env: Readonly<Record<string, string | undefined>>): string {
  return createHash("sha256")
    .update(terraformBlock(stackDir))
    .update("\0")
    .update(read(join(stackDir, LOCK_FILE)))
    .update("\0")
    .update(read(env.TF_CLI_CONFIG_FILE))
    .digest("hex");
}

export function needsInit(stackDir: string, env: Readonly<Record<string, string | undefined>>): boolean {
  const file = join(stackDir, FINGERPRINT);
  return !existsSync(file) || readFileSync(file, "utf8") !== initFingerprint(stackDir, env);
}

/** Records a successful init (after it wrote the lock file). */
export function recordInit(stackDir: string, env: Readonly<Record<string, string | undefined>>): void {
  writeFileSync(join(stackDir, FINGERPRINT), initFingerprint(stackDir, env));
}
