import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT, Workspace } from "../../tools/proof/e2e";
import { E2E_TIMEOUT_MS, expectSucceeded, folded, unexpectedCalls } from "./support";

type Json = Record<string, unknown>;
const example = JSON.parse(readFileSync(join(PROJECT_ROOT, "config/default.json"), "utf8")) as Json;
const DEPLOYER = "arn:aws:iam::111111111111:role/ci-deployer";
const CI_ROLE = "arn:aws:iam::111111111111:role/cdktf-assume-role-ec2-destination-ci";
const GITHUB = "https://token.actions.githubusercontent.com";
const MAIN = "repo:acme/infra:ref:refs/heads/main";

/**
 * The example config with principals that are roles: a deployer role the
 * trust names, and CI's OIDC role. `source.profile` is omitted, as in CI:
 * the standard credential chain finds the deployer's profile through
 * AWS_PROFILE, and CI's session in the environment.
 */
const configWith = (createProvider: boolean): Json => ({
  ...example,
  source: { accountId: "111111111111", ciOidc: { subjects: [MAIN], createProvider } },
  role: { ...(example.role as Json), trustedPrincipalArns: [DEPLOYER] },
});
const AS_DEPLOYER = { env: { AWS_PROFILE: "source" } };

describe("role principals, end to end", () => {
  it(
    "a trusted deployer role deploys the IAM stack, CI's OIDC role deploys the EC2 stack, and each holds only what the stack grants",
    async () => {
      // GIVEN the source profile is a session of ci-deployer, which may manage IAM in the source account but holds no sts:AssumeRole
      const ws = await Workspace.open("e2e/trusted-role", configWith(false), {
        profiles: [
          {
            profile: "source",
            accountId: "111111111111",
            roleName: "ci-deployer",
            policies: [
              {
                Version: "2012-10-17",
                Statement: [
                  { Effect: "Allow", Action: "iam:*", Resource: "arn:aws:iam::111111111111:*" },
                  // Listing takes no resource: the provider lookup needs it on "*".
                  { Effect: "Allow", Action: "iam:ListOpenIDConnectProviders", Resource: "*" },
                ],
              },
            ],
          },
          { profile: "destination", accountId: "222222222222" },
        ],
      });
      try {
        // WHEN the IAM stack looks up an OIDC provider the account does not have
        const missing = await ws.run("deploy", ["destination-iam", "--auto-approve"], AS_DEPLOYER);
        // THEN the plan stops before anything is created, with Terraform's reason
        expect(missing.code).toBe(1);
        expect(missing.output).toContain(
          "destination-iam  Error: finding IAM OIDC Provider by url (https://token.actions.githubusercontent.com): not found",
        );
        expect(ws.double.inventory().iam).toEqual({ "111111111111": [], "222222222222": [] });

        // WHEN the stack creates the provider instead
        ws.writeConfig(configWith(true));
        const iam = await ws.run("deploy", ["destination-iam", "--auto-approve"], AS_DEPLOYER);
        // THEN the policy went to the deployer and the CI role, and no group was created
        expectSucceeded(iam);
        const attached = ws.double.calls.filter((c) => c.action === "AttachRolePolicy" && c.status === 200).map((c) => c.params.RoleName);
        expect(attached.sort()).toEqual(["cdktf-assume-role-ec2-destination-ci", "ci-deployer"]);
        expect(ws.double.calls.filter((c) => c.action === "CreateGroup")).toEqual([]);
        expect(ws.double.inventory().iam["111111111111"]).toContain(`arn:aws:iam::111111111111:oidc-provider/${GITHUB.slice(8)}`);

        // WHEN CI exchanges GitHub's token for a session of its role, as aws-actions/configure-aws-credentials does
        const sts = new STSClient({ region: "us-east-2", endpoint: ws.double.url, credentials: { accessKeyId: "-", secretAccessKey: "-" } });
        const exchange = (sub: string) =>
          sts.send(
            new AssumeRoleWithWebIdentityCommand({
              RoleArn: CI_ROLE,
              RoleSessionName: "GitHubActions",
              WebIdentityToken: ws.double.idToken({ iss: GITHUB, sub, aud: "sts.amazonaws.com" }),
            }),
          );
        // THEN another repository's token is refused, and the configured one gets a session that can do nothing else
        await expect(exchange("repo:evil/infra:ref:refs/heads/main")).rejects.toMatchObject({ name: "AccessDenied" });
        const { Credentials: session } = await exchange(MAIN);
        const credentials = { accessKeyId: session!.AccessKeyId!, secretAccessKey: session!.SecretAccessKey!, sessionToken: session!.SessionToken };
        const ec2 = new EC2Client({ region: "us-east-2", endpoint: ws.double.url, credentials });
        await expect(ec2.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ name: "UnauthorizedOperation" });

        // WHEN CI deploys the EC2 stack with its session in the environment
        const ci = await ws.run("deploy", ["destination-ec2", "--auto-approve", "--assume-role-wait", "0"], {
          env: {
            AWS_PROFILE: undefined,
            AWS_ACCESS_KEY_ID: credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
            AWS_SESSION_TOKEN: credentials.sessionToken,
          },
        });
        // THEN the CI role's session assumed the destination role and the instance exists
        expectSucceeded(ci);
        const assumed = ws.double.calls.filter((c) => c.action === "AssumeRole" && c.status === 200).map((c) => c.caller);
        expect(new Set(assumed)).toEqual(new Set(["arn:aws:sts::111111111111:assumed-role/cdktf-assume-role-ec2-destination-ci/GitHubActions"]));
        expect(ws.double.ec2.instances()).toHaveLength(1);

        // AND the deployer, named in the trust, may assume the role too: the stack attached the policy it lacked
        const verify = await ws.run("verify", ["destination"], AS_DEPLOYER);
        expect({ code: verify.code, output: verify.output }).toMatchObject({
          code: 0,
          output: expect.stringContaining("arn:aws:sts::222222222222:assumed-role/cdktf-assume-role-ec2/"),
        });

        // WHEN the config goes back to looking the provider up
        ws.writeConfig(configWith(false));
        const diff = await ws.run("diff", ["destination-iam"], AS_DEPLOYER);
        // THEN the lookup finds the provider, and the plan only drops the resource that created it (drift: exit 2)
        expect(diff.code).toBe(2);
        expect(folded(diff.output)).toMatch(/data\.aws_iam_openid_connect_provider\.ci-oidc-provider: Read complete/);
        expect(folded(diff.output)).toMatch(/# aws_iam_openid_connect_provider\.ci-oidc-provider will be destroyed/);
        expect(folded(diff.output)).toMatch(/Plan: 0 to add, 0 to change, 1 to destroy/);
        // AND nothing else was denied or failed in the whole run
        expect(unexpectedCalls(ws.double.calls)).toEqual([
          "sts:AssumeRoleWithWebIdentity by unknown: AccessDenied",
          "ec2:DescribeInstances by arn:aws:sts::111111111111:assumed-role/cdktf-assume-role-ec2-destination-ci/GitHubActions: UnauthorizedOperation",
        ]);
      } finally {
        await ws.close();
      }
    },
    E2E_TIMEOUT_MS,
  );
});
