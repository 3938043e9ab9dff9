import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { BackendConfig } from "../../lib/config";
import { orphanedStateWarning, parseState, type StackState } from "../../lib/state";

/** Reads a stack's state; `undefined` when the stack was never deployed or holds nothing. */
export type StateReader = (stack: string) => Promise<StackState | undefined>;

type S3BackendConfig = Extract<BackendConfig, { type: "s3" }>;

/**
 * Reads stacks' state where the backend keeps it, without Terraform: the
 * local file, or the S3 object `<keyPrefix>/<stack>.tfstate` with the
 * backend's credentials. No Terraform process, so no `init`, and nothing to
 * race with a stack's own Terraform run in its folder.
 */
export function stateReader(backend: BackendConfig, sourceProfile?: string, projectRoot = process.cwd()): StateReader {
  if (backend.type === "local") {
    return async (stack) => {
      const file = resolve(projectRoot, backend.directory, `${stack}.tfstate`);
      return existsSync(file) ? parseState(readFileSync(file, "utf8")) : undefined;
    };
  }
  const s3 = stateClient(backend, sourceProfile);
  return async (stack) => {
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: backend.bucket, Key: `${backend.keyPrefix}/${stack}.tfstate` }));
      return parseState((await object.Body?.transformToString()) ?? "");
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  };
}

/** An S3 client with the backend's credentials: its profile (or `sourceProfile`, or the standard chain) and, when set, its state role. */
function stateClient(backend: S3BackendConfig, sourceProfile?: string): S3Client {
  const profile = backend.profile ?? sourceProfile;
  const base = fromNodeProviderChain(profile ? { profile } : {});
  const credentials = backend.roleArn
    ? fromTemporaryCredentials({ masterCredentials: base, params: { RoleArn: backend.roleArn, RoleSessionName: "cdktf-assume-role-state" } })
    : base;
  return new S3Client({
    region: backend.region,
    credentials,
    ...(backend.endpoint ? { endpoint: backend.endpoint } : {}),
    forcePathStyle: backend.usePathStyle,
  });
}

/**
 * Stacks whose state in the S3 backend still holds resources although the
 * config no longer makes them: the S3 counterpart of the synth's local-state
 * warning, run before a deploy, since the state is not on this machine. Reads
 * with the backend's credentials: its profile (or `sourceProfile`, or the
 * standard chain) and, when set, its state role.
 * @returns one warning per such stack
 */
export async function orphanedS3States(backend: S3BackendConfig, stacks: readonly string[], sourceProfile?: string): Promise<string[]> {
  const s3 = stateClient(backend, sourceProfile);
  const prefix = `${backend.keyPrefix}/`;
  const warnings: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: backend.bucket, Prefix: prefix, ContinuationToken: token }));
    for (const { Key: key } of page.Contents ?? []) {
      const stack = key?.slice(prefix.length).replace(/\.tfstate$/, "");
      if (!key?.endsWith(".tfstate") || !stack || stack.includes("/") || stacks.includes(stack)) continue;
      const object = await s3.send(new GetObjectCommand({ Bucket: backend.bucket, Key: key }));
      const held = parseState((await object.Body?.transformToString()) ?? "")?.resources ?? 0;
      if (held > 0) warnings.push(orphanedStateWarning(`s3://${backend.bucket}/${key}`, stack, held));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return warnings;
}

/**
 * What a deploy or destroy adds to the synth's warnings: the S3 check
 * (local state is checked by the synth itself). A check that cannot run
 * becomes one warning saying so; it never stops the command.
 */
export async function stateCheckWarnings(backend: BackendConfig, stacks: readonly string[], sourceProfile?: string): Promise<string[]> {
  if (backend.type !== "s3") return [];
  return orphanedS3States(backend, stacks, sourceProfile).catch((error: Error) => [
    `could not check s3://${backend.bucket}/${backend.keyPrefix}/ for the state of stacks the config no longer makes: ${error.message}`,
  ]);
}
