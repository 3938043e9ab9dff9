import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT, TUTORIAL_PROFILES, Workspace } from "../../tools/proof/e2e";
import { E2E_TIMEOUT_MS, expectSucceeded, unexpectedCalls } from "./support";

/**
 * The workflow runs Terraform itself, but `cdktf deploy` and `cdktf destroy`
 * keep working for those who use them: the real cdktf 0.21 CLI over the same
 * app, against the AWS double.
 */
const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Record<string, unknown>;
let ws: Workspace;

beforeAll(async () => {
  ws = await Workspace.open("e2e/cdktf-cli", example, { profiles: [...TUTORIAL_PROFILES] });
});
afterAll(() => ws.close());

describe("the cdktf CLI on the same app", () => {
  it(
    "cdktf deploy '*' deploys both stacks in dependency order, and cdktf destroy '*' takes them down",
    async () => {
      // WHEN
      const deploy = await ws.cdktf(["deploy", "*", "--auto-approve", "--skip-provider-lock"]);
      // THEN
      expectSucceeded(deploy);
      expect(ws.double.ec2.instances()).toHaveLength(1);
      expect(ws.double.inventory().iam["222222222222"]).toEqual(["arn:aws:iam::222222222222:role/cdktf-assume-role-ec2"]);
      expect(unexpectedCalls(ws.double.calls)).toEqual([]);
      // WHEN
      const destroy = await ws.cdktf(["destroy", "*", "--auto-approve", "--skip-provider-lock"]);
      // THEN
      expectSucceeded(destroy);
      expect(ws.double.inventory()).toEqual({ sts: {}, iam: { "111111111111": [], "222222222222": [] }, ec2: { "222222222222": [] }, s3: {} });
    },
    E2E_TIMEOUT_MS,
  );
});
