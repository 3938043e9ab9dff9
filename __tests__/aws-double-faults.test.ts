import { CreateRoleCommand, GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { DescribeImagesCommand, DescribeInstancesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { FaultInjector, faultOptionProblems, type FaultOptions } from "../tools/aws-double/faults";
import { AwsDouble } from "../tools/aws-double/server";

const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }],
});

/** A double with one administrator of 222222222222, and clients of each service that try `maxAttempts` times. */
async function doubleWith(faults: FaultOptions) {
  const double = await AwsDouble.start({ profiles: [{ profile: "admin", accountId: "222222222222" }], faults });
  const config = (maxAttempts: number) => ({ region: "us-east-1", endpoint: double.url, credentials: double.profiles.admin, maxAttempts });
  return {
    double,
    sts: (maxAttempts = 1) => new STSClient(config(maxAttempts)),
    iam: (maxAttempts = 1) => new IAMClient(config(maxAttempts)),
    ec2: (maxAttempts = 1) => new EC2Client(config(maxAttempts)),
    s3: (maxAttempts = 1) => new S3Client({ ...config(maxAttempts), forcePathStyle: true }),
  };
}

/** What a call ended in: "ok", or the SDK's error name and HTTP status (or its network error code). */
const outcome = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (error: { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } }) =>
      error.$metadata?.httpStatusCode ? `${error.name} ${error.$metadata.httpStatusCode}` : `${error.code ?? error.name}: ${error.message}`,
  );

describe("the AWS double's fault mode", () => {
  it("answers each service's own throttling error and status, as AWS does", async () => {
    // GIVEN every call throttled
    const { double, sts, iam, ec2, s3 } = await doubleWith({ rate: 1, kinds: ["throttle"] });
    try {
      // WHEN each service is called once, without the SDK's retries
      const answers = {
        sts: await outcome(sts().send(new GetCallerIdentityCommand({}))),
        iam: await outcome(iam().send(new GetRoleCommand({ RoleName: "any" }))),
        ec2: await outcome(ec2().send(new DescribeInstancesCommand({}))),
        s3: await outcome(s3().send(new ListObjectsV2Command({ Bucket: "state-bucket" }))),
      };
      // THEN
      expect(answers).toEqual({ sts: "Throttling 400", iam: "Throttling 400", ec2: "RequestLimitExceeded 503", s3: "SlowDown 503" });
      expect(double.calls.map((c) => c.fault)).toEqual(["throttle", "throttle", "throttle", "throttle"]);
    } finally {
      await double.stop();
    }
  });

  it("answers server errors with 5xx, and cuts the connection for a reset", async () => {
    // GIVEN every call failing, first with server errors, then with resets
    const { double, sts, ec2 } = await doubleWith({ rate: 1, kinds: ["server-error"] });
    try {
      // WHEN
      const serverErrors = [await outcome(sts().send(new GetCallerIdentityCommand({}))), await outcome(ec2().send(new DescribeInstancesCommand({})))];
      double.injectFaults({ rate: 1, kinds: ["reset"] });
      const reset = await outcome(sts().send(new GetCallerIdentityCommand({})));
      // THEN
      expect(serverErrors).toEqual(["InternalFailure 500", "InternalError 500"]);
      expect(reset).toContain("ECONNRESET");
      expect(double.calls.map((c) => [c.fault, c.error])).toEqual([
        ["server-error", "InternalFailure"],
        ["server-error", "InternalError"],
        ["reset", "ConnectionReset"],
      ]);
    } finally {
      await double.stop();
    }
  });

  it("faults a call before it acts: a faulted CreateRole creates nothing, and the SDK's retries create each role once", async () => {
    // GIVEN a double that faults a third of the calls, of every kind
    const { double, iam } = await doubleWith({ rate: 0.33, seed: 3 });
    try {
      // WHEN the SDK creates ten roles with its standard retries (up to 10 attempts each)
      const names = Array.from({ length: 10 }, (_, i) => `faulted-${i}`);
      for (const name of names) await iam(10).send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }));
      // THEN some attempts were faulted, each role was created by exactly one attempt, and exists once
      const attempts = double.calls.filter((c) => c.action === "CreateRole");
      expect(attempts.filter((c) => c.fault).length).toBeGreaterThan(0);
      expect(attempts.filter((c) => !c.fault).map((c) => [c.params.RoleName, c.status])).toEqual(names.map((name) => [name, 200]));
      expect(double.inventory().iam["222222222222"]).toEqual(names.map((name) => `arn:aws:iam::222222222222:role/${name}`));
    } finally {
      await double.stop();
    }
  });

  it("with fault mode off, faults nothing", async () => {
    // GIVEN a double whose fault mode was on, then turned off
    const { double, sts } = await doubleWith({ rate: 1 });
    double.injectFaults(undefined);
    try {
      // WHEN / THEN
      expect(await outcome(sts().send(new GetCallerIdentityCommand({})))).toBe("ok");
      expect(double.calls.filter((c) => c.fault)).toEqual([]);
    } finally {
      await double.stop();
    }
  });
});

describe("the AWS double's lost answers: AWS acted, and the caller never heard", () => {
  /** A launch request of the double's own Ubuntu image, with `ClientToken`. */
  async function launchRequest(ec2: EC2Client, ClientToken: string, InstanceType: "t3.micro" | "t3.small" = "t3.micro") {
    const { Images = [] } = await ec2.send(
      new DescribeImagesCommand({ Owners: ["099720109477"], Filters: [{ Name: "architecture", Values: ["x86_64"] }] }),
    );
    return new RunInstancesCommand({ ImageId: Images[0].ImageId, InstanceType, MinCount: 1, MaxCount: 1, ClientToken });
  }

  it("answers the SDK's retry of a lost RunInstances with the instance the first call launched, as its ClientToken asks", async () => {
    // GIVEN the answer to the first RunInstances lost
    const { double, ec2 } = await doubleWith({ rate: 0 });
    try {
      double.injectTargetedFault({ matches: (call) => call.action === "RunInstances", lostResponse: true, times: 1 });
      // WHEN the SDK launches, retrying once the connection is cut
      const launched = await ec2(3).send(await launchRequest(ec2(), "deploy-1"));
      // THEN both calls reached EC2 with one token, the first launched the instance, and the retry was answered with it
      const runs = double.calls.filter((c) => c.action === "RunInstances");
      expect(runs.map((c) => [c.status, c.fault, c.params.ClientToken])).toEqual([
        [200, "lost-response", "deploy-1"],
        [200, undefined, "deploy-1"],
      ]);
      expect(double.ec2.instances().map((i) => i.id)).toEqual([launched.Instances?.[0].InstanceId]);
    } finally {
      await double.stop();
    }
  });

  it("launches anew for another token, and refuses a token reused with another request", async () => {
    const { double, ec2 } = await doubleWith({ rate: 0 });
    try {
      // GIVEN one launch with a token
      await ec2().send(await launchRequest(ec2(), "deploy-1"));
      // WHEN
      const again = await outcome(ec2().send(await launchRequest(ec2(), "deploy-1")));
      const otherToken = await outcome(ec2().send(await launchRequest(ec2(), "deploy-2")));
      const otherRequest = await outcome(ec2().send(await launchRequest(ec2(), "deploy-1", "t3.small")));
      // THEN
      expect([again, otherToken, otherRequest]).toEqual(["ok", "ok", "IdempotentParameterMismatch 400"]);
      expect(double.ec2.instances()).toHaveLength(2);
    } finally {
      await double.stop();
    }
  });

  it("leaves a role created when CreateRole's answer is lost, so the SDK's retry meets EntityAlreadyExists", async () => {
    // GIVEN the answer to CreateRole lost once
    const { double, iam } = await doubleWith({ rate: 0 });
    try {
      double.injectTargetedFault({ matches: (call) => call.action === "CreateRole", lostResponse: true, times: 1 });
      // WHEN the SDK creates the role, retrying once the connection is cut
      const created = await outcome(iam(3).send(new CreateRoleCommand({ RoleName: "lost", AssumeRolePolicyDocument: TRUST })));
      // THEN the retry is refused, though the role exists: IAM's create is not idempotent
      expect(created).toBe("EntityAlreadyExistsException 409");
      expect(await outcome(iam().send(new GetRoleCommand({ RoleName: "lost" })))).toBe("ok");
    } finally {
      await double.stop();
    }
  });
});

describe("FaultInjector", () => {
  const draws = (options: FaultOptions, count: number) => {
    const injector = new FaultInjector(options);
    return Array.from({ length: count }, () => injector.next("ec2")?.kind ?? "-");
  };

  it("gives the same faults to the same calls for the same seed, and other faults for another seed", () => {
    // WHEN / THEN
    expect(draws({ rate: 0.3, seed: 7 }, 200)).toEqual(draws({ rate: 0.3, seed: 7 }, 200));
    expect(draws({ rate: 0.3, seed: 7 }, 200)).not.toEqual(draws({ rate: 0.3, seed: 8 }, 200));
  });

  it("faults about the share of calls its rate says, each kind in turn", () => {
    // WHEN
    const faults = draws({ rate: 0.1, seed: 1 }, 10_000).filter((kind) => kind !== "-");
    // THEN
    expect(faults.length).toBeGreaterThan(900);
    expect(faults.length).toBeLessThan(1100);
    expect(faults.slice(0, 6)).toEqual(["throttle", "server-error", "reset", "throttle", "server-error", "reset"]);
  });

  it("faults nothing at rate 0, every call at rate 1, and only the kinds it is given", () => {
    expect(draws({ rate: 0 }, 100)).toEqual(Array(100).fill("-"));
    expect(draws({ rate: 1, kinds: ["reset"] }, 100)).toEqual(Array(100).fill("reset"));
  });

  it("leaves alone a service it has no answers for", () => {
    expect(new FaultInjector({ rate: 1 }).next("lambda")).toBeUndefined();
  });

  it.each([
    [{ rate: 1.5 }, "fault rate: got 1.5; must be a share of the calls from 0 to 1"],
    [{ rate: -0.1 }, "fault rate: got -0.1; must be a share of the calls from 0 to 1"],
    [{ rate: Number.NaN }, "fault rate: got NaN"],
    [{ rate: 0.1, seed: 1.5 }, "fault seed: got 1.5; must be a whole number"],
    [{ rate: 0.1, kinds: ["flood"] }, "fault kinds: got flood; must be among throttle, server-error, reset"],
    [{ rate: 0.1, kinds: [] }, "fault kinds: got none"],
  ] as [FaultOptions, string][])("fails if the options are %j", (options, message) => {
    // WHEN / THEN
    expect(faultOptionProblems(options).join("; ")).toContain(message);
    expect(() => new FaultInjector(options)).toThrow(message);
  });

  it("takes valid options without a problem", () => {
    expect(faultOptionProblems({ rate: 0.05, seed: 42, kinds: ["throttle", "reset"] })).toEqual([]);
  });
});
