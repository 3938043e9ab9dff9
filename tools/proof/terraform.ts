import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { providerSource, ProvidersUnavailableError } from "../terraform/providers";
import { runTerraform, type TerraformRun } from "../terraform/run";

export { ProvidersUnavailableError };

/** mock_provider and override_data in `terraform test` need 1.7. */
export const MIN_TERRAFORM_VERSION = "1.7.0";
export const LOCK_FILE = ".terraform.lock.hcl";

export type TerraformResult = TerraformRun;

/**
 * Where providers are installed once and shared: every stack folder runs with
 * TF_DATA_DIR pointing here and a copy of the lock file, so there is one
 * `terraform init` per run, not one per stack, and no per-stack provider copy.
 */
export interface ProviderInstall {
  readonly dataDir: string;
  readonly lockFile: string;
}

/** Runs terraform without a terminal, with the providers this machine has (see providerSource); never throws on a non-zero exit. */
export function terraform(args: readonly string[], options: { cwd: string; install?: ProviderInstall }): Promise<TerraformResult> {
  const env: Record<string, string> = { ...providerSource().env };
  if (options.install) env.TF_DATA_DIR = options.install.dataDir;
  return runTerraform(args, { cwd: options.cwd, env });
}

function versionAtLeast(actual: string, minimum: string): boolean {
  const a = actual.split(".").map(Number);
  const m = minimum.split(".").map(Number);
  for (let i = 0; i < m.length; i++) {
    if ((a[i] ?? 0) !== m[i]) return (a[i] ?? 0) > m[i];
  }
  return true;
}

/**
 * Checks the Terraform CLI and installs the providers `requiredProviders`
 * names, once, into `workDir/providers`.
 * @throws ProvidersUnavailableError saying what is missing
 */
export async function installProviders(workDir: string, requiredProviders: Record<string, unknown>): Promise<ProviderInstall> {
  const dir = resolve(workDir, "providers");
  mkdirSync(dir, { recursive: true });
  const version = await terraform(["version", "-json"], { cwd: dir });
  if (version.code !== 0) throw new ProvidersUnavailableError(`terraform is not on PATH (${version.stderr.trim() || `exit ${version.code}`}).`);
  const found = (JSON.parse(version.stdout) as { terraform_version: string }).terraform_version;
  if (!versionAtLeast(found, MIN_TERRAFORM_VERSION))
    throw new ProvidersUnavailableError(`terraform ${found} is older than ${MIN_TERRAFORM_VERSION}.`);

  writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: requiredProviders } }, null, 2));
  const install: ProviderInstall = { dataDir: join(dir, ".terraform"), lockFile: join(dir, LOCK_FILE) };
  const init = await terraform(["init", "-backend=false", "-input=false"], { cwd: dir, install });
  if (init.code !== 0) {
    throw new ProvidersUnavailableError(
      `terraform init could not install ${JSON.stringify(requiredProviders)}:\n${init.stderr.trim() || init.stdout.trim()}`,
    );
  }
  return install;
}

/** Makes a stack folder use the shared install. */
export function useInstall(stackDir: string, install: ProviderInstall): void {
  cpSync(install.lockFile, join(stackDir, LOCK_FILE));
}

/** Runs tasks with at most `concurrency` at a time, keeping their order in the result. */
export async function pool<T>(tasks: ReadonlyArray<() => Promise<T>>, concurrency: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tasks.length)) }, worker));
  return results;
}
