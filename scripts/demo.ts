import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT, TUTORIAL_PROFILES, Workspace, type RunResult, type Script } from "../tools/proof/e2e";
import { runScript } from "./entry";

/**
 * `npm run demo`: the whole path without an AWS account. Starts the AWS
 * double, plans the example config with the real workflow, Terraform and
 * provider (the EC2 stack deferred behind its IAM stack), applies exactly
 * that plan, shows the assumed identity and the instance, checks for drift,
 * destroys, and ends with one summary line. Exit 0 only if all held.
 */
const PROGRESS = new RegExp(
  [
    /^[\w-]+: (\w+ started|deployed|applied|destroyed|read|failed|refused|skipped|deferred|no changes|not deployed|(plan:|apply|destroy) \d+)/,
    // The review of each plan: one resource address a line.
    /^[\w-]+ {4}( {2}[+~-]|-\/\+) [\w.-]+( \(replace\))?$/,
    /^(plan|apply|deploy|destroy|diff|output): \d+/,
    /^(Synthesized|Terraform providers|STACK )/,
    /^[\w-]+-(iam|ec2) +\d{12} /,
  ]
    .map((r) => r.source)
    .join("|"),
);

runScript(async () => {
  const started = Date.now();
  const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Record<string, unknown>;
  console.log("Starting the AWS double (STS, IAM, EC2 and S3 on 127.0.0.1; source account 111111111111, destination 222222222222)...");
  const ws = await Workspace.open("demo", example, { profiles: [...TUTORIAL_PROFILES] });
  const checks: [string, boolean][] = [];
  const step = async (title: string, script: Script, args: string[]): Promise<RunResult> => {
    console.log(`\n== ${title}: npm run ${script}${args.length ? ` -- ${args.join(" ")}` : ""}`);
    const result = await ws.run(script, args, { onLine: (line) => PROGRESS.test(line) && console.log(`   ${line}`) });
    // On failure, show everything: the one place a newcomer needs the details.
    if (result.code !== 0) console.log(result.output);
    return result;
  };
  try {
    const plan = await step("Plan for review (the EC2 stack waits for the role its IAM stack creates)", "plan", []);
    checks.push(["plan: IAM planned, EC2 deferred", plan.code === 2 && /destination-ec2: deferred/.test(plan.output)]);

    const apply = await step("Apply exactly the reviewed plan, then the deferred EC2 stack", "apply", ["--auto-approve"]);
    checks.push(["apply", apply.code === 0 && /apply: 2 applied/.test(apply.output)]);

    const verify = await step("Assume the role from the source account", "verify", ["destination"]);
    console.log(verify.output.replace(/^/gm, "   ").trimEnd());
    checks.push(["verify", verify.code === 0 && verify.output.includes("Account 222222222222")]);

    const [instance] = ws.double.ec2.instances();
    if (instance) {
      console.log(
        `\n== The instance, as the destination account holds it\n   ${instance.id} in ${instance.accountId} ${instance.region}, ${instance.instanceType}, ` +
          `${instance.publicIp ? `public IP ${instance.publicIp}` : "no public IP"}, IMDSv2 ${instance.metadata.httpTokens}, ` +
          `root volume ${instance.rootVolume?.encrypted ? "encrypted" : "NOT encrypted"}, tags ${JSON.stringify(instance.tags)}`,
      );
    }
    checks.push([
      "private IMDSv2 instance",
      !!instance && !instance.publicIp && instance.metadata.httpTokens === "required" && !!instance.rootVolume?.encrypted,
    ]);

    const diff = await step("Check for drift", "diff", []);
    const unchanged = (diff.output.match(/No changes\. Your infrastructure matches the configuration\./g) ?? []).length === 2;
    console.log(`   ${unchanged ? "No drift in either stack." : "Drift found: see above."}`);
    checks.push(["no drift", diff.code === 0 && unchanged]);

    const destroy = await step("Destroy", "destroy", ["--auto-approve"]);
    const left = Object.values(ws.double.inventory()).flatMap((byAccount) => Object.values(byAccount).flat());
    checks.push(["destroy leaves nothing", destroy.code === 0 && left.length === 0]);
  } finally {
    await ws.close();
  }
  const failed = checks.filter(([, ok]) => !ok).map(([name]) => name);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(
    failed.length === 0
      ? `\nDemo passed in ${seconds} s: ${checks.map(([name]) => name).join(", ")}.`
      : `\nDemo FAILED in ${seconds} s: ${failed.join(", ")} did not hold (details above).`,
  );
  return failed.length === 0 ? 0 : 1;
});
