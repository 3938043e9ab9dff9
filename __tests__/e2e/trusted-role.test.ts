import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT, Workspace } from "../../tools/proof/e2e";
import { E2E_TIMEOUT_MS, unexpectedCalls } from "./support";

type Json = Record<string, unknown>;
const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Json;
const CI_ROLE = "arn:aws:iam::111111111111:role/ci-deployer";

describe("a trusted role, end to end", () => {
  it(
    "deploys when the trust names a role: the stack attaches the assume-role policy to it, since trust alone grants nothing",
    async () => {
      // GIVEN the source profile is a session of ci-deployer, which may manage IAM in the source account but holds no sts:AssumeRole
      const ws = await Workspace.open(
        "e2e/trusted-role",
        { ...example, role: { ...(example.role as Json), trustedPrincipalArns: [CI_ROLE] } },
        {
          profiles: [
            {
              profile: "source",
              accountId: "111111111111",
              roleName: "ci-deployer",
              policies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "arn:aws:iam::111111111111:*" }] }],
            },
            { profile: "destination", accountId: "222222222222" },
          ],
        },
      );
      try {
        // WHEN
        const result = await ws.run("deploy", ["--auto-approve", "--assume-role-wait", "0"]);
        // THEN the policy went to the role, no group was created, and the role's session assumed the destination role
        expect({ code: result.code, tail: result.output.split("\n").slice(-10) }).toMatchObject({ code: 0 });
        expect(ws.double.calls.filter((c) => c.action === "AttachRolePolicy" && c.status === 200).map((c) => c.params.RoleName)).toEqual([
          "ci-deployer",
        ]);
        expect(ws.double.calls.filter((c) => c.action === "CreateGroup")).toEqual([]);
        const assumed = ws.double.calls.filter((c) => c.action === "AssumeRole" && c.status === 200).map((c) => c.caller);
        expect(new Set(assumed)).toEqual(new Set(["arn:aws:sts::111111111111:assumed-role/ci-deployer/source"]));
        expect(unexpectedCalls(ws.double.calls)).toEqual([]);
        expect(ws.double.ec2.instances()).toHaveLength(1);
      } finally {
        await ws.close();
      }
    },
    E2E_TIMEOUT_MS,
  );
});
