import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT, TUTORIAL_PROFILES, Workspace } from "../../tools/proof/e2e";
import { E2E_TIMEOUT_MS, expectSucceeded, folded, unexpectedCalls } from "./support";

type Json = Record<string, unknown>;
const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Json;
const withRole = (role: Json): Json => ({ ...example, role: { ...(example.role as Json), ...role } });
const denials = (ws: Workspace, action: string) => ws.double.calls.filter((c) => c.action === action && c.error === "AccessDenied");

describe("end to end, what must not work does not", () => {
  it(
    "what the trust policy denies: a wrong external ID (the retry gives up within its bound), then a source principal outside the trust",
    async () => {
      // GIVEN the IAM stack deployed with the example's external ID
      // (ci-deployer exists in the source account, so the IAM stack can attach the assume-role policy to it)
      const ws = await Workspace.open("e2e/trust-denials", example, {
        profiles: [...TUTORIAL_PROFILES, { profile: "ci", accountId: "111111111111", roleName: "ci-deployer" }],
      });
      try {
        expect((await ws.run("deploy", ["destination-iam", "--auto-approve"])).code).toBe(0);

        // WHEN the EC2 stack's provider sends another external ID
        ws.writeConfig(withRole({ externalId: "not-the-external-id" }));
        const started = Date.now();
        const wrongId = await ws.run("deploy", ["destination-ec2", "--auto-approve", "--assume-role-wait", "5"]);
        // THEN the trust policy denies it, and the workflow stops retrying once its bound is spent
        expect(wrongId.code).toBe(1);
        expect(folded(wrongId.output)).toContain(
          "User: arn:aws:iam::111111111111:user/source-admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/cdktf-assume-role-ec2",
        );
        expect(wrongId.output).toMatch(/destination-ec2: failed: the role still cannot be assumed after 2 attempts over 5 s/);
        expect(Date.now() - started).toBeLessThan(60_000);
        expect(denials(ws, "AssumeRole")).toHaveLength(2);

        // WHEN only a CI role is trusted, and the source administrator deploys
        ws.writeConfig(withRole({ trustedPrincipalArns: ["arn:aws:iam::111111111111:role/ci-deployer"] }));
        const outside = await ws.run("deploy", ["--auto-approve", "--assume-role-wait", "0"]);
        // THEN the trust policy is updated in place, and the administrator is denied
        expect(outside.code).toBe(1);
        expect(outside.output).toContain("destination-iam: deployed");
        expect(denials(ws, "AssumeRole")).toHaveLength(3);
        expect(denials(ws, "AssumeRole").every((c) => c.caller === "arn:aws:iam::111111111111:user/source-admin")).toBe(true);
        expect(ws.double.ec2.instances()).toEqual([]);
      } finally {
        await ws.close();
      }
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "a destination profile in the wrong account: the credentials check stops the deploy in about a second, before any Terraform runs",
    async () => {
      const ws = await Workspace.open("e2e/wrong-account", example, {
        profiles: [TUTORIAL_PROFILES[0], { profile: "destination", accountId: "333333333333" }],
      });
      try {
        const started = Date.now();
        const result = await ws.run("deploy", ["--auto-approve"]);
        expect(result.code).toBe(1);
        expect(result.output).toContain("The credentials are not right; nothing was run:");
        expect(folded(result.output)).toContain(
          'profile "destination" (destination destination) signs in as arn:aws:iam::333333333333:user/destination-admin in account 333333333333, but the config expects account 222222222222',
        );
        expect(result.output).not.toMatch(/: deploy started/);
        // The synth and Node's start-up dominate; no provider was started.
        expect(Date.now() - started).toBeLessThan(15_000);

        // WHEN the config names a profile the machine does not have
        ws.writeConfig({ ...example, destinations: [{ name: "destination", accountId: "222222222222", profile: "nobody" }] });
        const missing = await ws.run("deploy", ["--auto-approve"]);
        // THEN one message names it and says what to do
        expect(missing.code).toBe(1);
        expect(folded(missing.output)).toMatch(
          /profile "nobody" \(destination destination\) has no credentials: .* Add it to ~\/\.aws\/config and ~\/\.aws\/credentials/,
        );
        expect(missing.output.match(/has no credentials/g)).toHaveLength(1);
        expect(Object.values(ws.double.inventory().iam).flat()).toEqual([]);
        expect(ws.double.calls.filter((c) => /^(Create|Put|Attach|Run)/.test(c.action))).toEqual([]);
      } finally {
        await ws.close();
      }
    },
    E2E_TIMEOUT_MS,
  );
});

describe("end to end, runs converge", () => {
  it(
    "a deploy killed after the IAM stack, run again, finishes with nothing created twice; a second deploy at once is stopped",
    async () => {
      const ws = await Workspace.open("e2e/interrupted", example, { profiles: [...TUTORIAL_PROFILES] });
      try {
        // GIVEN a deploy interrupted (SIGINT to the workflow alone, as a CI runner cancels) while Terraform plans the IAM stack
        // (mid-apply, an interrupt can cut off a create AWS already did, and no tool can then converge without an import)
        let interrupted = false;
        const cancelled = await ws.run("deploy", ["--auto-approve"], {
          onLine: (line, _kill, interrupt) => {
            if (!interrupted && /^destination-iam {2}\S.*: Reading\.\.\./.test(line)) {
              interrupted = true;
              interrupt();
            }
          },
        });
        // THEN Terraform heard it, stopped at a safe point and released its state lock; no further stack started
        expect(interrupted).toBe(true);
        expect(cancelled.code).not.toBe(0);
        expect(cancelled.output).toContain("SIGINT: Terraform stops at a safe point and releases its state lock; no further stack starts.");
        expect(cancelled.output).toMatch(/destination-iam {2}Interrupt received/);
        expect(cancelled.output).not.toContain("destination-ec2: deploy started");
        expect(ws.double.calls.filter((c) => /^(Create|Put|Attach|Run)/.test(c.action))).toEqual([]);
        const state = join(ws.dir, "state");
        expect((existsSync(state) ? readdirSync(state, { recursive: true }) : []).filter((f) => String(f).endsWith(".lock.info"))).toEqual([]);

        // GIVEN then a deploy killed (with Terraform) as soon as the IAM stack is deployed
        const killed = await ws.run("deploy", ["--auto-approve"], {
          onLine: (line, kill) => line.startsWith("destination-iam: deployed") && kill(),
        });
        expect(killed.code).not.toBe(0);
        expect(ws.double.ec2.instances()).toEqual([]);

        // WHEN it runs again, and a second deploy starts while it runs
        let second: Promise<{ code: number; output: string }> | undefined;
        const resumed = await ws.run("deploy", ["--auto-approve"], {
          onLine: (line) => {
            if (line.startsWith("destination-iam: deploy started") && !second) second = ws.run("deploy", ["--auto-approve"]);
          },
        });

        // THEN the first finishes the job, the second stops at once with a clear message, and nothing exists twice
        expectSucceeded(resumed);
        expect(resumed.output).toContain("Taking over the lock of a workflow that no longer runs");
        const concurrent = await second;
        expect(concurrent?.code).toBe(1);
        expect(concurrent?.output).toMatch(
          /Another workflow is running here \(npm run deploy, pid \d+, since .*\): wait for it to finish\. Nothing was changed\./,
        );
        expect(ws.double.calls.filter((c) => c.action === "CreateRole" && c.status === 200)).toHaveLength(1);
        expect(ws.double.calls.filter((c) => c.action === "RunInstances" && c.status === 200)).toHaveLength(1);
        expect(unexpectedCalls(ws.double.calls)).toEqual([]);
      } finally {
        await ws.close();
      }
    },
    E2E_TIMEOUT_MS,
  );
});
