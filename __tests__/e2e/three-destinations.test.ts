import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { PROJECT_ROOT, Workspace } from "../../tools/proof/e2e";
import { E2E_TIMEOUT_MS, expectSucceeded, unexpectedCalls } from "./support";

type Json = Record<string, unknown>;
const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Json;
const DESTINATIONS = [
  { name: "dev", accountId: "222222222222", profile: "dev" },
  { name: "prod-eu", accountId: "333333333333", profile: "prod-eu", region: "eu-west-1", externalId: "prod-eu-external-id" },
  { name: "prod-us", accountId: "444444444444", profile: "prod-us", instanceType: "t3.small" },
];
const EU_ROLE = "arn:aws:iam::333333333333:role/cdktf-assume-role-ec2";
let ws: Workspace;

beforeAll(async () => {
  ws = await Workspace.open(
    "e2e/three",
    // The trust also requires the caller's IAM user name as the session name, so CloudTrail shows who acted.
    { ...example, destinations: DESTINATIONS, role: { ...(example.role as Json), requireSessionName: "username" } },
    {
      profiles: [{ profile: "source", accountId: "111111111111" }, ...DESTINATIONS.map((d) => ({ profile: d.profile, accountId: d.accountId }))],
      // Every new role refuses its first AssumeRole, as IAM's eventual consistency does for a while after CreateRole.
      roleConsistency: { refusals: 1 },
    },
  );
});
afterAll(() => ws.close());

describe("three destinations with their own regions and a trust that requires the caller's user name as the session name, end to end", () => {
  it(
    "deploys all six stacks, destinations in parallel, each EC2 stack retrying until its new role can be assumed",
    async () => {
      const result = await ws.run("deploy", ["--auto-approve", "--concurrency", "3"]);
      expectSucceeded(result);
      expect(result.output).toContain("deploy: 6 deployed, 0 unchanged, 0 deferred, 0 failed, 0 refused, 0 skipped");
      // Parallel: every IAM stack starts before any destination's chain has finished.
      const lines = result.output.split("\n");
      const firstEc2Done = lines.findIndex((l) => /-ec2: deployed in/.test(l));
      expect(lines.filter((l) => /-iam: deploy started/.test(l)).every((l) => lines.indexOf(l) < firstEc2Done)).toBe(true);
      for (const d of DESTINATIONS) expect(result.output).toContain(`${d.name}-ec2: the role cannot be assumed yet (IAM is eventually consistent)`);
      expect(unexpectedCalls(ws.double.calls).filter((c) => !c.startsWith("sts:AssumeRole"))).toEqual([]);
      const instances = ws.double.ec2.instances().map((i) => [i.accountId, i.region, i.instanceType, i.publicIp ?? "no public IP"]);
      expect(instances.sort()).toEqual([
        ["222222222222", "us-east-2", "t3.micro", "no public IP"],
        ["333333333333", "eu-west-1", "t3.micro", "no public IP"],
        ["444444444444", "us-east-2", "t3.small", "no public IP"],
      ]);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "plans again with no changes in any of the six stacks",
    async () => {
      const result = await ws.run("diff", ["--concurrency", "3"]);
      expect(result.code).toBe(0);
      expect(result.output.match(/No changes\. Your infrastructure matches the configuration\./g)).toHaveLength(6);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "names every session after the source user, verifies with that name, and refuses the same user under another name",
    async () => {
      // GIVEN the deployed trusts require ${aws:username}: the source profile is the IAM user source-admin
      const launches = ws.double.calls.filter((c) => c.action === "RunInstances" && c.status === 200).map((c) => c.caller);
      expect(launches.sort()).toEqual(DESTINATIONS.map((d) => `arn:aws:sts::${d.accountId}:assumed-role/cdktf-assume-role-ec2/source-admin`).sort());
      // WHEN verify assumes the EU role, and the same user asks for a session under another name
      const verify = await ws.run("verify", ["prod-eu"]);
      const sts = new STSClient({ region: "eu-west-1", endpoint: ws.double.url, credentials: ws.double.profiles.source });
      const otherName = sts.send(new AssumeRoleCommand({ RoleArn: EU_ROLE, RoleSessionName: "someone-else", ExternalId: "prod-eu-external-id" }));
      // THEN
      expect({ code: verify.code, output: verify.output }).toMatchObject({
        code: 0,
        output: expect.stringContaining("arn:aws:sts::333333333333:assumed-role/cdktf-assume-role-ec2/source-admin"),
      });
      await expect(otherName).rejects.toThrow(`is not authorized to perform: sts:AssumeRole on resource: ${EU_ROLE}`);
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "destroys everything: the double holds nothing in any account",
    async () => {
      const result = await ws.run("destroy", ["--auto-approve", "--concurrency", "3"]);
      expect(result.code).toBe(0);
      const inventory = ws.double.inventory();
      expect(Object.values(inventory.iam).flat()).toEqual([]);
      expect(Object.values(inventory.ec2).flat()).toEqual([]);
    },
    E2E_TIMEOUT_MS,
  );
});
