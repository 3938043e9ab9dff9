import * as path from "node:path";
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { BackendConfig } from "./config/schema";

/**
 * Local state path for a stack, relative to the folder Terraform runs in.
 * CDKTF's default bakes the synth machine's absolute path into the stack;
 * a relative path keeps `cdktf.out` portable and state outside it, so
 * deleting `cdktf.out` never deletes state.
 */
export function localStatePath(outdir: string, stackName: string, directory: string, projectRoot = process.cwd()): string {
  const workingDirectory = path.resolve(projectRoot, outdir, "stacks", stackName);
  return path.relative(workingDirectory, path.resolve(projectRoot, directory, `${stackName}.tfstate`));
}

/** The S3 key of a stack's state. */
export function s3StateKey(keyPrefix: string, stackName: string): string {
  return `${keyPrefix}/${stackName}.tfstate`;
}

/**
 * Configures the stack's backend. Cross-stack references read the producing
 * stack's state through the same backend settings (CDKTF derives the
 * terraform_remote_state from it), so both backend types keep them working.
 * @param profile - the profile to reach S3 state with, when the backend names none
 */
export function configureBackend(stack: TerraformStack, outdir: string, backend: BackendConfig, profile?: string): void {
  const stackName = stack.node.id;
  if (backend.type === "local") {
    new LocalBackend(stack, { path: localStatePath(outdir, stackName, backend.directory) });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: s3StateKey(backend.keyPrefix, stackName),
    region: backend.region,
    profile: backend.profile ?? profile,
    encrypt: true,
    assumeRole: backend.roleArn ? { roleArn: backend.roleArn, sessionName: `${stackName}-state` } : undefined,
    endpoints: backend.endpoint ? { s3: backend.endpoint } : undefined,
    usePathStyle: backend.usePathStyle || undefined,
  });
  // CDKTF 0.21 predates S3-native locking; the key is set as an override.
  stack.addOverride("terraform.backend.s3.use_lockfile", backend.useLockfile);
}
