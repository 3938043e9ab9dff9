import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { PROJECT_ROOT, TUTORIAL_PROFILES, Workspace } from "../../tools/proof/e2e";
import { E2E_TIMEOUT_MS, unexpectedCalls } from "./support";

type Json = Record<string, unknown>;
const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Json;
const ROLE_ARN = "arn:aws:iam::222222222222:role/cdktf-assume-role-ec2";

describe("a trust that requires the caller's IAM user name as the session name, end to end", () => {
  it(
    "deploys with a session named after the source user, verifies with it, and refuses any other name",
    async () => {
      // GIVEN the tutorial's profiles (the source is the IAM user source-admin) and role.requireSessionName "username"
      const ws = await Workspace.open(
        "e2e/session-name",
        { ...example, role: { ...(example.role as Json), requireSessionName: "username" } },
        {
          profiles: [...TUTORIAL_PROFILES],
        },
      );
      try {
        // WHEN
        const deploy = await ws.run("deploy", ["--auto-approve", "--assume-role-wait", "0"]);
        const verify = await ws.run("verify", ["destination"]);
        // THEN the EC2 stack and verify both acted as source-admin, which CloudTrail would show
        expect({ code: deploy.code, tail: deploy.output.split("\n").slice(-10) }).toMatchObject({ code: 0 });
        const session = "arn:aws:sts::222222222222:assumed-role/cdktf-assume-role-ec2/source-admin";
        expect(ws.double.calls.find((c) => c.action === "RunInstances")?.caller).toBe(session);
        expect({ code: verify.code, output: verify.output }).toMatchObject({ code: 0, output: expect.stringContaining(session) });
        expect(unexpectedCalls(ws.double.calls)).toEqual([]);
        // AND the deployed trust refuses the same user under another name
        const sts = new STSClient({ region: "us-east-2", endpoint: ws.double.url, credentials: ws.double.profiles.source });
        await expect(
          sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "someone-else", ExternalId: "cdktf-assume-role-example" })),
        ).rejects.toThrow(`is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`);
        const destroy = await ws.run("destroy", ["--auto-approve"]);
        expect(destroy.code).toBe(0);
      } finally {
        await ws.close();
      }
    },
    E2E_TIMEOUT_MS,
  );
});
