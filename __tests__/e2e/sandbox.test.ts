import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { fromIni } from "@aws-sdk/credential-providers";
import { PROJECT_ROOT } from "../../tools/proof/e2e";
import { SANDBOX_DIR, type SandboxInfo } from "../../tools/proof/sandbox";
import { Terminal } from "../../tools/proof/terminal";
import { E2E_TIMEOUT_MS } from "./support";

/** `npm run sandbox`, as a person uses it: at a terminal, typing. */
const INFO_FILE = join(SANDBOX_DIR, "sandbox.json");
const READY = /Sandbox ready on (http:\/\/127\.0\.0\.1:\d+)/;
const env = { ...process.env, SHELL: "/bin/bash" };

/** A client of the running sandbox's double, with one of its profiles, as the AWS CLI would make it. */
function clients(info: SandboxInfo, profile: string) {
  const credentials = fromIni({ profile, filepath: info.env.AWS_SHARED_CREDENTIALS_FILE, configFilepath: info.env.AWS_CONFIG_FILE });
  const config = { region: "us-east-2", endpoint: info.url, credentials };
  return { iam: new IAMClient(config), ec2: new EC2Client(config) };
}

/** What `npm run --silent sandbox -- --env` prints, evaluated by a shell that then runs `command`. */
const inSandboxShell = (command: string) =>
  spawnSync("bash", ["-c", `eval "$(npm run --silent sandbox -- --env)" && ${command}`], { cwd: PROJECT_ROOT, encoding: "utf8", env: process.env });

describe("npm run sandbox at a terminal", () => {
  it(
    "opens a shell where the workflow asks before each stack: the approved IAM stack is applied, the refused EC2 stack changes nothing, and exit stops the sandbox",
    async () => {
      const terminal = Terminal.open("npm run sandbox", { cwd: PROJECT_ROOT, env });
      try {
        // GIVEN a sandbox's shell
        const [, url] = await terminal.waitFor(READY, 60_000);
        await terminal.waitFor(/\(sandbox\) .*[#$] $/m, 30_000);
        const info = JSON.parse(readFileSync(INFO_FILE, "utf8")) as SandboxInfo;
        expect(info.url).toBe(url);
        // WHEN a deploy is typed there, the IAM stack's plan approved and the EC2 stack's refused
        terminal.type("npm run deploy\n");
        await terminal.waitFor(/Apply this plan to destination-iam\? Only "yes" applies it: $/, 180_000);
        terminal.type("yes\n");
        const asked = await terminal.waitFor(/Apply this plan to destination-ec2\? Only "yes" applies it: $/, 180_000);
        terminal.type("no\n");
        await terminal.waitFor(/deploy: 1 deployed, 0 unchanged, 0 deferred, 0 failed, 0 refused, 1 skipped/, 60_000, asked.index);
        // THEN the role is in the destination account, no instance is, and the EC2 stack's state holds nothing
        const destination = clients(info, "destination");
        const role = await destination.iam.send(new GetRoleCommand({ RoleName: "cdktf-assume-role-ec2" }));
        const { Reservations = [] } = await destination.ec2.send(new DescribeInstancesCommand({}));
        const ec2State = join(SANDBOX_DIR, "state", "destination-ec2.tfstate");
        expect(role.Role?.Arn).toBe("arn:aws:iam::222222222222:role/cdktf-assume-role-ec2");
        expect(Reservations).toEqual([]);
        expect(existsSync(ec2State) ? (JSON.parse(readFileSync(ec2State, "utf8")) as { resources: unknown[] }).resources : []).toEqual([]);
        expect(terminal.screen).toContain("destination-ec2: skipped: not approved; nothing was changed");

        // WHEN the shell exits
        terminal.type("exit\n");
        // THEN the sandbox stops: exit 0, its double gone, no sandbox left for --env
        expect(await terminal.exit()).toBe(0);
        expect(terminal.screen).toMatch(/Sandbox stopped after \d+ calls to the double/);
        await expect(fetch(url)).rejects.toThrow();
        expect(existsSync(INFO_FILE)).toBe(false);
      } finally {
        terminal.kill();
      }
    },
    E2E_TIMEOUT_MS,
  );

  it(
    "with --no-shell, serves another terminal through --env, refuses a second sandbox, and stops cleanly on Ctrl-C",
    async () => {
      const terminal = Terminal.open("npm run sandbox -- --no-shell --fault-rate 0.05 --fault-seed 3", { cwd: PROJECT_ROOT, env });
      try {
        // GIVEN a sandbox serving in the foreground, with fault mode on
        const [, url] = await terminal.waitFor(READY, 60_000);
        await terminal.waitFor(/Ctrl-C stops the sandbox\.$/m, 10_000);
        expect(terminal.screen).toContain("5% of the calls throttled, failed or cut (seed 3)");
        expect(terminal.screen).toContain(`In another terminal: eval "$(npm run --silent sandbox -- --env)"`);
        // WHEN another terminal evaluates --env and lists the stacks, and a second sandbox is started
        const other = inSandboxShell(`pwd && echo "$AWS_ENDPOINT_URL" && npm run --silent list`);
        const second = spawnSync("npm", ["run", "--silent", "sandbox", "--", "--no-shell"], { cwd: PROJECT_ROOT, encoding: "utf8", env });
        // THEN the other terminal is in the sandbox's folder, pointed at its double, with the example's stacks
        expect(other.status).toBe(0);
        expect(other.stdout.split("\n").slice(0, 2)).toEqual([SANDBOX_DIR, url]);
        expect(other.stdout).toMatch(/destination-iam +222222222222 \+ 111111111111 +us-east-2/);
        expect({ status: second.status, stderr: second.stderr.trim() }).toEqual({
          status: 1,
          stderr: expect.stringMatching(/^A sandbox is already running \(process \d+, http:\/\/127\.0\.0\.1:\d+\)\. Use it from this terminal with/),
        });

        // WHEN Ctrl-C is pressed
        terminal.interrupt();
        // THEN it stops cleanly (npm itself, interrupted too, ends with 130 as for any Ctrl-C), and --env says no sandbox runs
        const code = await terminal.exit();
        expect(code).toBe(130);
        expect(terminal.screen).toMatch(/Sandbox stopped after \d+ calls to the double/);
        await expect(fetch(url)).rejects.toThrow();
        const after = spawnSync("npm", ["run", "--silent", "sandbox", "--", "--env"], { cwd: PROJECT_ROOT, encoding: "utf8", env });
        expect({ status: after.status, stderr: after.stderr.trim() }).toEqual({
          status: 1,
          stderr: "No sandbox is running. Start one in another terminal: npm run sandbox -- --no-shell",
        });
      } finally {
        terminal.kill();
      }
    },
    E2E_TIMEOUT_MS,
  );
});
