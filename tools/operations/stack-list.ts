import type { DeploymentTarget } from "../../lib/targets";

/** One line per stack: what `npm run list` prints. */
export interface StackRow {
  readonly stack: string;
  readonly account: string;
  readonly region: string;
  readonly credentials: string;
  readonly role: string;
}

export function stackRows(targets: readonly DeploymentTarget[]): StackRow[] {
  return targets.flatMap((t) => [
    {
      stack: t.iamStackName,
      account: `${t.destination.accountId} + ${t.source.accountId}`,
      region: t.destination.region,
      credentials: `${t.destination.profile ?? "default chain"} + ${t.source.profile ?? "default chain"}`,
      role: t.role.arn,
    },
    {
      stack: t.ec2StackName,
      account: t.destination.accountId,
      region: t.destination.region,
      credentials: `${t.source.profile ?? "default chain"} as role`,
      role: t.role.arn,
    },
  ]);
}

/** A plain aligned table, sorted by stack name so globs' groups stand together. */
export function formatRows(rows: readonly StackRow[]): string {
  const header: StackRow = { stack: "STACK", account: "ACCOUNT", region: "REGION", credentials: "CREDENTIALS", role: "ROLE" };
  const keys = Object.keys(header) as (keyof StackRow)[];
  const all = [header, ...[...rows].sort((a, b) => a.stack.localeCompare(b.stack))];
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  return all
    .map((r) =>
      keys
        .map((k, i) => r[k].padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** One destination as a CI matrix entry (`npm run list -- --json`, read by `fromJSON` in .github/workflows). */
export interface DestinationEntry {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly stacks: { readonly iam: string; readonly ec2: string };
  /** The profiles the config names, which a CI job writes into ~/.aws/config. @default - the standard chain ("") */
  readonly profiles: { readonly source: string; readonly destination: string };
  /** The AWS partition of every account, for the ARNs the workflow writes (`arn:aws-cn:...` in China). */
  readonly partition: string;
  /** The CI role of `source.ciOidc`, which may deploy only this destination's EC2 stack. @default "" without ciOidc */
  readonly ciRoleArn: string;
  /** The token audience the CI role's trust requires, which the workflow must ask its token for. @default "" without ciOidc */
  readonly ciAudience: string;
  readonly retired: boolean;
}

export function destinationEntries(targets: readonly DeploymentTarget[]): DestinationEntry[] {
  return targets.map((t) => ({
    name: t.name,
    account: t.destination.accountId,
    region: t.destination.region,
    stacks: { iam: t.iamStackName, ec2: t.ec2StackName },
    profiles: { source: t.source.profile ?? "", destination: t.destination.profile ?? "" },
    partition: t.partition,
    ciRoleArn: t.ci?.roleArn ?? "",
    ciAudience: t.ci?.audience ?? "",
    retired: t.retired,
  }));
}
