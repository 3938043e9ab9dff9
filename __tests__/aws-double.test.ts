import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  CreateGroupCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  type CreateRoleCommandInput,
} from "@aws-sdk/client-iam";
import { Readable } from "node:stream";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { decodeAwsChunked } from "../tools/aws-double/s3";
import {
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  ModifyVolumeCommand,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from "@aws-sdk/client-ec2";
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { AwsDouble } from "../tools/aws-double/server";
import { QueryParams, toXml } from "../tools/aws-double/protocol";

const TRUST = (principal: string, externalId: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": externalId } } },
    ],
  });

let double: AwsDouble;
const SSO_ROLE = "AWSReservedSSO_Admin_0123456789abcdef";

beforeAll(async () => {
  double = await AwsDouble.start({
    profiles: [
      { profile: "source", accountId: "111111111111" },
      { profile: "destination", accountId: "222222222222" },
      { profile: "nobody", accountId: "111111111111", admin: false },
      // A session of IAM Identity Center's role, as `aws sso login` gives one.
      { profile: "sso", accountId: "222222222222", roleName: SSO_ROLE, rolePath: "/aws-reserved/sso.amazonaws.com/" },
      // A key of the source account's root user, which AWS allows but never lets assume a role.
      { profile: "source-root", accountId: "111111111111", root: true },
    ],
  });
});
afterAll(() => double.stop());

const sts = (profile: string) => {
  const key = double.profiles[profile];
  return new STSClient({
    region: "us-east-1",
    endpoint: double.url,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
  });
};

/** A query-protocol call as the SDKs sign it: the double reads the key and service from the credential scope. */
async function call(profile: string, service: string, body: Record<string, string>): Promise<{ status: number; text: string }> {
  const key = double.profiles[profile];
  const response = await fetch(double.url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/20261124/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams(body).toString(),
  });
  return { status: response.status, text: await response.text() };
}

describe("the AWS double", () => {
  it("derives the account from the access key, as AWS does", async () => {
    // WHEN each profile asks who it is, through the real SDK
    const source = await sts("source").send(new GetCallerIdentityCommand({}));
    const destination = await sts("destination").send(new GetCallerIdentityCommand({}));
    // THEN
    expect([source.Account, source.Arn]).toEqual(["111111111111", "arn:aws:iam::111111111111:user/source-admin"]);
    expect([destination.Account, destination.Arn]).toEqual(["222222222222", "arn:aws:iam::222222222222:user/destination-admin"]);
  });

  it("allows a cross-account AssumeRole only when the trust policy and the caller's identity policy both allow it", async () => {
    // GIVEN a role in the destination that trusts the source account with an external ID
    const created = await call("destination", "iam", {
      Action: "CreateRole",
      RoleName: "cross",
      AssumeRolePolicyDocument: TRUST("arn:aws:iam::111111111111:root", "ext-1"),
    });
    expect(created.status).toBe(200);
    const assume = (profile: string, ExternalId?: string) =>
      sts(profile).send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::222222222222:role/cross", RoleSessionName: "test", ExternalId }));
    // THEN the administrator with the external ID gets a session of the destination account
    const session = await assume("source", "ext-1");
    const identity = await new STSClient({
      region: "us-east-1",
      endpoint: double.url,
      credentials: {
        accessKeyId: session.Credentials!.AccessKeyId!,
        secretAccessKey: session.Credentials!.SecretAccessKey!,
        sessionToken: session.Credentials!.SessionToken,
      },
    }).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe("arn:aws:sts::222222222222:assumed-role/cross/test");
    // AND it denies without the external ID (trust policy), and a user without an identity policy (two yeses needed)
    await expect(assume("source")).rejects.toMatchObject({ name: "AccessDenied" });
    await expect(assume("nobody", "ext-1")).rejects.toMatchObject({ name: "AccessDenied" });
    const denied = double.calls.filter((c) => c.action === "AssumeRole" && c.error === "AccessDenied").map((c) => c.caller);
    expect(denied).toEqual(["arn:aws:iam::111111111111:user/source-admin", "arn:aws:iam::111111111111:user/nobody-user"]);
  });

  it("lets a CI token assume a role only with a registered provider, the right audience and a trusted subject", async () => {
    // GIVEN an OIDC provider for GitHub's issuer in the source account, and a role trusting one repository's main branch
    const issuer = "https://token.actions.githubusercontent.com";
    const provider = await call("source", "iam", {
      Action: "CreateOpenIDConnectProvider",
      Url: issuer,
      "ClientIDList.member.1": "sts.amazonaws.com",
    });
    expect(provider.text).toContain("<OpenIDConnectProviderArn>arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com<");
    const trust = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
            StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main" },
          },
        },
      ],
    };
    expect((await call("source", "iam", { Action: "CreateRole", RoleName: "ci", AssumeRolePolicyDocument: JSON.stringify(trust) })).status).toBe(200);
    const anonymous = new STSClient({ region: "us-east-1", endpoint: double.url, credentials: { accessKeyId: "unused", secretAccessKey: "unused" } });
    const withToken = (token: string) =>
      anonymous.send(
        new AssumeRoleWithWebIdentityCommand({ RoleArn: "arn:aws:iam::111111111111:role/ci", RoleSessionName: "gha", WebIdentityToken: token }),
      );
    const token = (sub: string, aud = "sts.amazonaws.com", iss = issuer) => double.idToken({ iss, sub, aud });
    // WHEN the real SDK sends each token (unsigned, as it sends this action)
    const session = await withToken(token("repo:acme/infra:ref:refs/heads/main"));
    // THEN the trusted subject gets a session of the role
    expect([session.AssumedRoleUser?.Arn, session.SubjectFromWebIdentityToken]).toEqual([
      "arn:aws:sts::111111111111:assumed-role/ci/gha",
      "repo:acme/infra:ref:refs/heads/main",
    ]);
    // AND another repository or branch, another audience, an unregistered issuer and a forged signature are each refused
    // (the SDK names AWS's InvalidIdentityToken code InvalidIdentityTokenException)
    await expect(withToken(token("repo:evil/infra:ref:refs/heads/main"))).rejects.toMatchObject({ name: "AccessDenied" });
    await expect(withToken(token("repo:acme/infra:ref:refs/heads/feature"))).rejects.toMatchObject({ name: "AccessDenied" });
    await expect(withToken(token("repo:acme/infra:ref:refs/heads/main", "other"))).rejects.toMatchObject({ name: "InvalidIdentityTokenException" });
    await expect(withToken(token("repo:acme/infra:ref:refs/heads/main", "sts.amazonaws.com", "https://gitlab.com"))).rejects.toMatchObject({
      name: "InvalidIdentityTokenException",
    });
    const [header, , signature] = token("repo:evil/infra:ref:refs/heads/main").split(".");
    const claims = Buffer.from(JSON.stringify({ iss: issuer, sub: "repo:acme/infra:ref:refs/heads/main", aud: "sts.amazonaws.com", exp: 2e9 }));
    await expect(withToken(`${header}.${claims.toString("base64url")}.${signature}`)).rejects.toMatchObject({
      name: "InvalidIdentityTokenException",
    });
    expect(double.calls.filter((c) => c.action === "AssumeRoleWithWebIdentity").map((c) => c.error ?? "ok")).toEqual([
      "ok",
      "AccessDenied",
      "AccessDenied",
      "InvalidIdentityToken",
      "InvalidIdentityToken",
      "InvalidIdentityToken",
    ]);
  });

  it("answers an action it does not implement with an error that names it", async () => {
    const result = await call("source", "iam", { Action: "CreateLoginProfile", UserName: "x" });
    expect(result.status).toBe(400);
    expect(result.text).toContain("<Code>InvalidAction</Code><Message>The AWS double does not implement iam:CreateLoginProfile.</Message>");
  });

  it("refuses an access key it never issued", async () => {
    const client = new STSClient({ region: "us-east-1", endpoint: double.url, credentials: { accessKeyId: "AKIAUNKNOWN", secretAccessKey: "x" } });
    await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: "InvalidClientTokenId" });
  });

  it("denies an EC2 call the caller's policies do not allow, with EC2's error code", async () => {
    const result = await call("nobody", "ec2", { Action: "DescribeInstances" });
    expect(result.status).toBe(403);
    expect(result.text).toContain("<Code>UnauthorizedOperation</Code>");
  });
});

describe("the query protocol", () => {
  it("reads indexed lists and structures", () => {
    const params = QueryParams.parse(
      "TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.2.Key=b&TagSpecification.1.Tag.1.Key=a&MetadataOptions.HttpTokens=required",
    );
    const [spec] = params.list("TagSpecification");
    expect(spec.get("ResourceType")).toBe("instance");
    expect(spec.list("Tag").map((t) => t.get("Key"))).toEqual(["a", "b"]);
    expect(params.struct("MetadataOptions").get("HttpTokens")).toBe("required");
  });

  it("renders lists with the service's item tag and escapes text", () => {
    expect(toXml({ Tags: [{ Key: "a<b", Value: "1" }] }, "member")).toBe("<Tags><member><Key>a&lt;b</Key><Value>1</Value></member></Tags>");
    expect(toXml({ groupSet: ["sg-1"] }, "item")).toBe("<groupSet><item>sg-1</item></groupSet>");
  });
});

describe("the AWS double: EC2's condition keys on modify calls, under either reading of the resource keys", () => {
  const BOUNDED_BY_RESOURCE_KEY = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["ec2:ModifyVolume", "ec2:DescribeVolumes"],
        Resource: "*",
        Condition: { NumericLessThanEquals: { "ec2:VolumeSize": "30" } },
      },
    ],
  };
  const BOUNDED_BY_BOTH = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "ec2:ModifyVolume",
        Resource: "*",
        Condition: { NumericLessThanEquals: { "ec2:VolumeSize": "30" }, NumericLessThanEqualsIfExists: { "ec2:Attribute/Size": "30" } },
      },
    ],
  };

  it.each([
    ["requested", "denied", "denied"],
    ["current", "allowed", "denied"],
  ] as const)(
    "with resource keys = %s values, growing a volume to 16 TiB is %s by a bound on the resource key alone, and %s by one on both keys",
    async (reading, byResourceKey, byBoth) => {
      // GIVEN an 8 GiB volume, and two roles bounded differently
      const d = await AwsDouble.start({
        profiles: [
          { profile: "admin", accountId: "222222222222" },
          { profile: "resource-key", accountId: "222222222222", roleName: "resource-key", policies: [BOUNDED_BY_RESOURCE_KEY] },
          { profile: "both-keys", accountId: "222222222222", roleName: "both-keys", policies: [BOUNDED_BY_BOTH] },
        ],
        resourceKeys: reading,
      });
      try {
        const ec2 = (profile: string) => new EC2Client({ region: "us-east-2", endpoint: d.url, credentials: d.profiles[profile] });
        const { Images = [] } = await ec2("admin").send(new DescribeImagesCommand({ Owners: ["099720109477"] }));
        await ec2("admin").send(
          new RunInstancesCommand({
            ImageId: Images[0].ImageId,
            InstanceType: "t3.micro",
            MinCount: 1,
            MaxCount: 1,
            BlockDeviceMappings: [{ DeviceName: "/dev/sda1", Ebs: { VolumeSize: 8, VolumeType: "gp3", Encrypted: true } }],
          }),
        );
        const volumeId = d.ec2.instances()[0].rootVolume?.id;
        const grow = (profile: string) =>
          ec2(profile)
            .send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 16384 }))
            .then(
              () => "allowed",
              (error: { name?: string }) => (error.name === "UnauthorizedOperation" ? "denied" : `failed: ${error.name}`),
            );
        // WHEN / THEN
        expect({ byResourceKey: await grow("resource-key"), byBoth: await grow("both-keys") }).toEqual({ byResourceKey, byBoth });
        // AND the request key carried the request either way
        const asked = d.calls.filter((c) => c.action === "ModifyVolume").map((c) => c.params.Size);
        expect(asked).toContain("16384");
      } finally {
        await d.stop();
      }
    },
  );
});

describe("the AWS double's S3, through the real SDK", () => {
  const s3 = (profile: string) =>
    new S3Client({ region: "us-east-1", endpoint: double.url, forcePathStyle: true, credentials: double.profiles[profile] });
  const code = (promise: Promise<unknown>) =>
    promise.then(
      () => "ok",
      (error: { name?: string; $metadata?: { httpStatusCode?: number } }) => `${error.name} ${error.$metadata?.httpStatusCode}`,
    );

  it("creates a bucket for the caller's account, and refuses a bad name or one that exists", async () => {
    expect(await code(s3("source").send(new CreateBucketCommand({ Bucket: "double-bucket" })))).toBe("ok");
    expect(await code(s3("source").send(new CreateBucketCommand({ Bucket: "double-bucket" })))).toBe("BucketAlreadyOwnedByYou 409");
    expect(await code(s3("destination").send(new CreateBucketCommand({ Bucket: "double-bucket" })))).toBe("BucketAlreadyExists 409");
    expect(await code(s3("source").send(new CreateBucketCommand({ Bucket: "Not_Valid" })))).toBe("InvalidBucketName 400");
    expect(await code(s3("source").send(new HeadBucketCommand({ Bucket: "double-bucket" })))).toBe("ok");
  });

  it("writes conditionally, as use_lockfile relies on: If-None-Match: * fails with 412 once the object exists, If-Match on another ETag too", async () => {
    const put = (extra: Record<string, string>) =>
      code(s3("source").send(new PutObjectCommand({ Bucket: "double-bucket", Key: "lock", Body: "1", ...extra })));
    expect(await put({ IfNoneMatch: "*" })).toBe("ok");
    expect(await put({ IfNoneMatch: "*" })).toBe("PreconditionFailed 412");
    expect(await put({ IfMatch: '"not-the-etag"' })).toBe("PreconditionFailed 412");
    const { ETag } = await s3("source").send(new HeadObjectCommand({ Bucket: "double-bucket", Key: "lock" }));
    expect(await put({ IfMatch: ETag ?? "" })).toBe("ok");
  });

  it("stores what the SDK sends, aws-chunked with a trailing checksum included, and reads it back", async () => {
    // The SDK streams a body of unknown length with aws-chunked encoding and a trailing checksum.
    const body = Readable.from([Buffer.from('{"version": 4}')]);
    await s3("source").send(
      new PutObjectCommand({ Bucket: "double-bucket", Key: "state.tfstate", Body: body, ContentLength: 14, ChecksumAlgorithm: "CRC32" }),
    );
    const object = await s3("source").send(new GetObjectCommand({ Bucket: "double-bucket", Key: "state.tfstate" }));
    expect(await object.Body?.transformToString()).toBe('{"version": 4}');
    expect(decodeAwsChunked(Buffer.from("5;chunk-signature=abc\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n")).toString()).toBe("hello");
  });

  it("deletes only with s3:DeleteObject, and answers 404 for a missing object", async () => {
    expect(await code(s3("nobody").send(new DeleteObjectCommand({ Bucket: "double-bucket", Key: "lock" })))).toBe("AccessDenied 403");
    expect(await code(s3("source").send(new DeleteObjectCommand({ Bucket: "double-bucket", Key: "lock" })))).toBe("ok");
    expect(await code(s3("source").send(new HeadObjectCommand({ Bucket: "double-bucket", Key: "lock" })))).toBe("NotFound 404");
    expect(await code(s3("source").send(new GetObjectCommand({ Bucket: "double-bucket", Key: "lock" })))).toBe("NoSuchKey 404");
  });

  it("refuses a caller of another account without a bucket policy", async () => {
    expect(await code(s3("destination").send(new GetObjectCommand({ Bucket: "double-bucket", Key: "state.tfstate" })))).toBe("AccessDenied 403");
  });
});

/** An IAM client of one profile that tries once, so that each refusal shows as IAM answered it. */
const iamAs = (profile = "destination") =>
  new IAMClient({ region: "us-east-1", endpoint: double.url, credentials: double.profiles[profile], maxAttempts: 1 });
/** How an IAM call ended: "ok", or the SDK's name for IAM's error code. */
const code = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: { name?: string }) => error.name,
  );

describe("the AWS double's IAM applies IAM's input rules, answering with IAM's error codes", () => {
  const iam = () => iamAs("destination");
  const trustOf = (padding: number) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "x".repeat(padding), Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }],
    });
  const trustSized = (chars: number) => trustOf(chars - trustOf(0).length);
  const role = (name: string, extra: Partial<CreateRoleCommandInput> = {}) =>
    code(iam().send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustSized(200), ...extra })));

  it("takes role names of up to 64 characters and group names of up to 128", async () => {
    expect(await role("r".repeat(64))).toBe("ok");
    expect(await role("r".repeat(65))).toBe("ValidationError");
    expect(await code(iam().send(new CreateGroupCommand({ GroupName: "g".repeat(128) })))).toBe("ok");
    expect(await code(iam().send(new CreateGroupCommand({ GroupName: "g".repeat(129) })))).toBe("ValidationError");
  });

  it("counts a trust policy as IAM does, whitespace not counted: 2,048 characters pass, 2,049 do not", async () => {
    expect(trustSized(2048)).toHaveLength(2048);
    expect(await role("trust-2048", { AssumeRolePolicyDocument: trustSized(2048) })).toBe("ok");
    expect(await role("trust-2049", { AssumeRolePolicyDocument: trustSized(2049) })).toBe("LimitExceededException");
    expect(await role("trust-spaced", { AssumeRolePolicyDocument: trustSized(2048).replace(/,/g, ",   ") })).toBe("ok");
  });

  it("takes session durations of 1 to 12 hours and descriptions of up to 1,000 characters", async () => {
    expect(await role("short-session", { MaxSessionDuration: 3599 })).toBe("ValidationError");
    expect(await role("long-session", { MaxSessionDuration: 43201 })).toBe("ValidationError");
    expect(await role("long-description", { Description: "d".repeat(1001) })).toBe("ValidationError");
  });

  it("refuses more than 50 tags, an aws: key and a value over 256 characters", async () => {
    const tags = (count: number) => Array.from({ length: count }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    expect(await role("tags-50", { Tags: tags(50) })).toBe("ok");
    expect(await role("tags-51", { Tags: tags(51) })).toBe("LimitExceededException");
    expect(await role("tags-aws", { Tags: [{ Key: "aws:owner", Value: "x" }] })).toBe("InvalidInputException");
    expect(await role("tags-long", { Tags: [{ Key: "k", Value: "v".repeat(257) }] })).toBe("ValidationError");
  });

  it("takes OIDC client IDs of 1-255 characters, at most 100, and thumbprints of 40 characters, at most 5", async () => {
    const provider = (url: string, ClientIDList: string[], ThumbprintList?: string[]) =>
      code(iam().send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList, ThumbprintList })));
    const thumbprint = "a".repeat(40);
    expect(await provider("https://ok.example.com", ["c".repeat(255)], [thumbprint])).toBe("ok");
    expect(
      await provider(
        "https://many.example.com",
        Array.from({ length: 100 }, (_, i) => `client-${i}`),
        Array(5).fill(thumbprint),
      ),
    ).toBe("ok");
    expect(await provider("https://long.example.com", ["c".repeat(256)])).toBe("ValidationError");
    expect(await provider("https://empty.example.com", [""])).toBe("ValidationError");
    expect(
      await provider(
        "https://too-many.example.com",
        Array.from({ length: 101 }, (_, i) => `client-${i}`),
      ),
    ).toBe("LimitExceededException");
    expect(await provider("https://short-thumb.example.com", ["sts.amazonaws.com"], ["a".repeat(39)])).toBe("ValidationError");
    expect(await provider("https://six-thumbs.example.com", ["sts.amazonaws.com"], Array(6).fill(thumbprint))).toBe("ValidationError");
    expect(await provider("http://plain.example.com", ["sts.amazonaws.com"])).toBe("ValidationError");
  });

  it("keeps a managed policy within 6,144 characters and a role's inline policies within 10,240 together", async () => {
    const document = (chars: number) => {
      const base = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "", Effect: "Allow", Action: "ec2:DescribeImages", Resource: "*" }] });
      return base.replace('"Sid":""', `"Sid":"${"s".repeat(chars - base.length)}"`);
    };
    expect(await code(iam().send(new CreatePolicyCommand({ PolicyName: "p-6144", PolicyDocument: document(6144) })))).toBe("ok");
    expect(await code(iam().send(new CreatePolicyCommand({ PolicyName: "p-6145", PolicyDocument: document(6145) })))).toBe("LimitExceededException");
    await role("inline-holder");
    const put = (name: string, chars: number) =>
      code(iam().send(new PutRolePolicyCommand({ RoleName: "inline-holder", PolicyName: name, PolicyDocument: document(chars) })));
    expect(await put("first", 6000)).toBe("ok");
    expect(await put("second", 4240)).toBe("ok");
    expect(await put("third", 200)).toBe("LimitExceededException");
    // Replacing a policy counts its new size, not both.
    expect(await put("second", 4240)).toBe("ok");
  });
});

/** A call's outcome: "ok", or the error code AWS answers with. */
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: { name?: string }) => error.name,
  );

describe("the AWS double's EC2 applies EC2's input rules, answering with EC2's error codes", () => {
  const ec2 = () => new EC2Client({ region: "us-east-2", endpoint: double.url, credentials: double.profiles.destination, maxAttempts: 1 });
  const launch = async (extra: Partial<RunInstancesCommandInput> = {}) => {
    const { Images = [] } = await ec2().send(
      new DescribeImagesCommand({ Owners: ["099720109477"], Filters: [{ Name: "architecture", Values: ["x86_64"] }] }),
    );
    return outcome(ec2().send(new RunInstancesCommand({ ImageId: Images[0].ImageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, ...extra })));
  };
  const tags = (count: number) => Array.from({ length: count }, (_, i) => ({ Key: `k${i}`, Value: "v" }));

  it("refuses ill-formed image, subnet and security group IDs as malformed, and IDs of the right shape that do not exist as not found", async () => {
    // WHEN / THEN
    expect(await launch({ ImageId: "ami-xyz" })).toBe("InvalidAMIID.Malformed");
    expect(await launch({ ImageId: "ami-0123456789abcdef0" })).toBe("InvalidAMIID.NotFound");
    expect(await launch({ SubnetId: "subnet-1" })).toBe("InvalidSubnetID.Malformed");
    expect(await launch({ SubnetId: "subnet-12345678" })).toBe("InvalidSubnetID.NotFound");
    expect(await launch({ SecurityGroupIds: ["sg-default"] })).toBe("InvalidGroupId.Malformed");
    expect(await launch({ SecurityGroupIds: ["sg-0123456789abcdef0"] })).toBe("InvalidGroup.NotFound");
    expect(await launch({ InstanceType: "t3.gigantic" as RunInstancesCommandInput["InstanceType"] })).toBe("InvalidParameterValue");
  });

  it("refuses its HVM images on a type that boots only paravirtual images (InvalidParameterCombination), and says so in DescribeInstanceTypes", async () => {
    // WHEN an HVM image is launched on t1.micro and m1.small, and on t3.micro
    // THEN
    expect(await launch({ InstanceType: "t1.micro" })).toBe("InvalidParameterCombination");
    expect(await launch({ InstanceType: "m1.small" })).toBe("InvalidParameterCombination");
    expect(await launch({ InstanceType: "t3.micro" })).toBe("ok");
    const { InstanceTypes = [] } = await ec2().send(new DescribeInstanceTypesCommand({ InstanceTypes: ["t1.micro", "t3.micro"] }));
    expect(InstanceTypes.map((t) => [t.InstanceType, t.SupportedVirtualizationTypes, t.CurrentGeneration])).toEqual([
      ["t1.micro", ["paravirtual"], false],
      ["t3.micro", ["hvm"], true],
    ]);
  });

  it("holds images and subnets per region and account: an ID of one is not found in another", async () => {
    // GIVEN an image and a subnet of us-east-2 in 222222222222
    const { Images = [] } = await ec2().send(
      new DescribeImagesCommand({ Owners: ["099720109477"], Filters: [{ Name: "architecture", Values: ["x86_64"] }] }),
    );
    const { Subnets = [] } = await ec2().send(new DescribeSubnetsCommand({}));
    const elsewhere = (region: string, profile = "destination") =>
      new EC2Client({ region, endpoint: double.url, credentials: double.profiles[profile], maxAttempts: 1 });
    const run = (client: EC2Client, extra: Partial<RunInstancesCommandInput> = {}) =>
      outcome(client.send(new RunInstancesCommand({ ImageId: Images[0].ImageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1, ...extra })));
    // WHEN the same IDs are used in eu-west-1, and the subnet from another account
    // THEN
    expect(await run(elsewhere("eu-west-1"))).toBe("InvalidAMIID.NotFound");
    expect(await run(elsewhere("us-east-2", "source"), { SubnetId: Subnets[0].SubnetId })).toBe("InvalidSubnetID.NotFound");
  });

  it("gives its own resources IDs of AWS's shape: a prefix and 17 hexadecimal digits", async () => {
    // GIVEN
    expect(await launch()).toBe("ok");
    // WHEN
    const { Reservations = [] } = await ec2().send(new DescribeInstancesCommand({}));
    const instance = Reservations[0].Instances![0];
    // THEN
    const ids = [
      instance.InstanceId,
      instance.SubnetId,
      instance.VpcId,
      instance.ImageId,
      instance.SecurityGroups?.[0].GroupId,
      instance.BlockDeviceMappings?.[0].Ebs?.VolumeId,
    ];
    expect(ids.map((id) => /^[a-z]+-[0-9a-f]{17}$/.test(id ?? ""))).toEqual(ids.map(() => true));
  });

  it("takes 50 tags on a launch and refuses 51, an aws: key, a 129-character key and a 257-character value", async () => {
    const tagged = (Tags: { Key: string; Value: string }[]) => launch({ TagSpecifications: [{ ResourceType: "instance", Tags }] });
    expect(await tagged(tags(50))).toBe("ok");
    expect(await tagged(tags(51))).toBe("TagLimitExceeded");
    expect(await tagged([{ Key: "aws:owner", Value: "x" }])).toBe("InvalidParameterValue");
    expect(await tagged([{ Key: "k".repeat(129), Value: "x" }])).toBe("InvalidParameterValue");
    expect(await tagged([{ Key: "k", Value: "v".repeat(257) }])).toBe("InvalidParameterValue");
  });

  it("counts a resource's tags after CreateTags, and refuses a malformed resource ID", async () => {
    // GIVEN an instance with 49 tags
    expect(await launch({ TagSpecifications: [{ ResourceType: "instance", Tags: tags(49) }] })).toBe("ok");
    const id = double.ec2.instances().find((i) => Object.keys(i.tags).length === 49)!.id;
    const tag = (Tags: { Key: string; Value: string }[], resource = id) =>
      outcome(ec2().send(new CreateTagsCommand({ Resources: [resource], Tags })));
    // WHEN / THEN one more tag fits, a second does not, and replacing an existing key adds none
    expect(await tag([{ Key: "extra", Value: "1" }])).toBe("ok");
    expect(await tag([{ Key: "k0", Value: "changed" }])).toBe("ok");
    expect(await tag([{ Key: "one-too-many", Value: "1" }])).toBe("TagLimitExceeded");
    expect(await tag([{ Key: "x", Value: "1" }], "i-123")).toBe("InvalidInstanceID.Malformed");
  });
});

describe("the AWS double's STS applies AssumeRole's input rules, answering with STS's error codes", () => {
  const ROLE = "arn:aws:iam::222222222222:role/rules";
  beforeAll(async () => {
    const trust = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111111111111:root" },
          Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        },
      ],
    };
    expect(
      (await call("destination", "iam", { Action: "CreateRole", RoleName: "rules", AssumeRolePolicyDocument: JSON.stringify(trust) })).status,
    ).toBe(200);
  });
  const assume = (extra: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {}) =>
    outcome(sts("source").send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "rules", ...extra })));
  const tags = (count: number) => Array.from({ length: count }, (_, i) => ({ Key: `k${i}`, Value: "v" }));

  it("takes session names, external IDs and source identities at their bounds, and refuses one character past them", async () => {
    expect(await assume({ RoleSessionName: "s".repeat(64), ExternalId: "e".repeat(1224), SourceIdentity: "i".repeat(64) })).toBe("ok");
    expect(await assume({ RoleSessionName: "ab", ExternalId: "ab", SourceIdentity: "ab" })).toBe("ok");
    expect(await assume({ RoleSessionName: "s".repeat(65) })).toBe("ValidationError");
    expect(await assume({ RoleSessionName: "s" })).toBe("ValidationError");
    expect(await assume({ ExternalId: "e".repeat(1225) })).toBe("ValidationError");
    expect(await assume({ ExternalId: "e" })).toBe("ValidationError");
    expect(await assume({ SourceIdentity: "i".repeat(65) })).toBe("ValidationError");
  });

  it("holds each to its character set: an external ID may hold : and /, a session name and a source identity may not", async () => {
    expect(await assume({ ExternalId: "team:a/b=c,d.e@f-g_h+i" })).toBe("ok");
    expect(await assume({ ExternalId: "two words" })).toBe("ValidationError");
    expect(await assume({ RoleSessionName: "a:b" })).toBe("ValidationError");
    expect(await assume({ SourceIdentity: "a/b" })).toBe("ValidationError");
    expect(await assume({ SourceIdentity: "aws:admin" })).toBe("ValidationError");
  });

  it("takes 50 session tags and refuses 51, an aws: key, a long value and a transitive key that is not a session tag", async () => {
    expect(await assume({ Tags: tags(50), TransitiveTagKeys: ["k0"] })).toBe("ok");
    expect(await assume({ Tags: tags(51) })).toBe("ValidationError");
    expect(await assume({ Tags: [{ Key: "aws:team", Value: "x" }] })).toBe("ValidationError");
    expect(await assume({ Tags: [{ Key: "k", Value: "v".repeat(257) }] })).toBe("ValidationError");
    expect(await assume({ Tags: tags(1), TransitiveTagKeys: ["other"] })).toBe("InvalidParameterValue");
  });

  it("answers the packed size of session tags, and refuses tags past STS's packed space as AWS words it (PackedPolicyTooLarge)", async () => {
    // GIVEN the published measurement's 9 tags of 250-character values, and two tags of 100
    const measured = Array.from({ length: 9 }, (_, i) => ({ Key: `T${i + 1}`, Value: "a".repeat(250) }));
    const small = [
      { Key: "a", Value: "v".repeat(99) },
      { Key: "b", Value: "v".repeat(99) },
    ];
    // WHEN
    const refusal = await sts("source")
      .send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "rules", Tags: measured }))
      .then(
        () => undefined,
        (error: Error) => error,
      );
    const answer = await sts("source").send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "rules", Tags: small }));
    // THEN the SDK names STS's PackedPolicyTooLarge code as it did against AWS in the measurement
    expect({ name: refusal?.name, message: refusal?.message }).toEqual({
      name: "PackedPolicyTooLargeException",
      message: "Packed size of session tags consumes 498% of allotted space.",
    });
    expect(answer.PackedPolicySize).toBe(44);
  });

  it("refuses AssumeRole to an account's root user, though the trust names its account and it may do anything there", async () => {
    // GIVEN the source account's root user, whose account the role trusts
    const root = sts("source-root");
    // WHEN it asks who it is, acts in its own account, and assumes the role
    const identity = await root.send(new GetCallerIdentityCommand({}));
    const created = await outcome(iamAs("source-root").send(new CreateGroupCommand({ GroupName: "made-by-root" })));
    const refusal = await root.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "root" })).then(
      () => undefined,
      (error: Error) => error,
    );
    // THEN only the AssumeRole is refused, with STS's words; the same call from a user of the account is allowed
    expect(identity.Arn).toBe("arn:aws:iam::111111111111:root");
    expect(created).toBe("ok");
    expect({ name: refusal?.name, message: refusal?.message }).toEqual({
      name: "AccessDenied",
      message: "Roles may not be assumed by root accounts.",
    });
    expect(await assume()).toBe("ok");
  });

  it("treats session tag keys that differ only in case as one key, and refuses both in one request", async () => {
    expect(await assume({ Tags: [{ Key: "Team", Value: "a" }] })).toBe("ok");
    expect(
      await assume({
        Tags: [
          { Key: "Team", Value: "a" },
          { Key: "team", Value: "b" },
        ],
      }),
    ).toBe("ValidationError");
  });
});

describe("the AWS double's IAM applies IAM's service rules beyond each parameter's model", () => {
  const iam = iamAs;
  const role = (name: string, extra: Partial<CreateRoleCommandInput> = {}) =>
    code(
      iam().send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST("arn:aws:iam::111111111111:root", "x".repeat(8)), ...extra }),
      ),
    );
  const policy = (profile: string, name: string) =>
    iam(profile).send(
      new CreatePolicyCommand({
        PolicyName: name,
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DescribeRegions", Resource: "*" }] }),
      }),
    );

  it("keeps names unique regardless of case and path, for roles, users, groups and policies", async () => {
    expect(await role("CaseRole")).toBe("ok");
    expect(await role("caserole")).toBe("EntityAlreadyExistsException");
    expect(await role("CaseRole", { Path: "/ci/" })).toBe("EntityAlreadyExistsException");
    expect(await code(iam().send(new CreateUserCommand({ UserName: "case-user" })))).toBe("ok");
    expect(await code(iam().send(new CreateUserCommand({ UserName: "CASE-USER", Path: "/team/" })))).toBe("EntityAlreadyExistsException");
    expect(await code(iam().send(new CreateGroupCommand({ GroupName: "Admins" })))).toBe("ok");
    expect(await code(iam().send(new CreateGroupCommand({ GroupName: "ADMINS" })))).toBe("EntityAlreadyExistsException");
    expect(await code(policy("destination", "Assume-Dev"))).toBe("ok");
    expect(await code(policy("destination", "assume-dev"))).toBe("EntityAlreadyExistsException");
  });

  it("treats tag keys that differ only in case as one key, and refuses both on one resource", async () => {
    expect(
      await role("tag-case", {
        Tags: [
          { Key: "Env", Value: "a" },
          { Key: "env", Value: "b" },
        ],
      }),
    ).toBe("InvalidInputException");
    expect(
      await role("tag-case", {
        Tags: [
          { Key: "Env", Value: "a" },
          { Key: "Team", Value: "b" },
        ],
      }),
    ).toBe("ok");
  });

  it("attaches and sets as a boundary only a managed policy of the role's own account or AWS's", async () => {
    const other = (await policy("source", "elsewhere")).Policy?.Arn as string;
    const own = (await policy("destination", "here")).Policy?.Arn as string;
    expect(await role("bounded-elsewhere", { PermissionsBoundary: other })).toBe("NoSuchEntityException");
    expect(await role("bounded-here", { PermissionsBoundary: own })).toBe("ok");
    expect(await role("bounded-by-aws", { PermissionsBoundary: "arn:aws:iam::aws:policy/AdministratorAccess" })).toBe("ok");
    expect(await code(iam().send(new AttachRolePolicyCommand({ RoleName: "bounded-here", PolicyArn: other })))).toBe("NoSuchEntityException");
    expect(await code(iam().send(new AttachRolePolicyCommand({ RoleName: "bounded-here", PolicyArn: own })))).toBe("ok");
  });

  it("knows AWS's managed policies as AWS publishes them, each at its path only, and a boundary of one caps the role", async () => {
    // GIVEN boundaries named wrongly, at the wrong path, and right
    expect(await role("bounded-by-none", { PermissionsBoundary: "arn:aws:iam::aws:policy/PowerUser" })).toBe("NoSuchEntityException");
    expect(await role("bounded-off-path", { PermissionsBoundary: "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole" })).toBe(
      "NoSuchEntityException",
    );
    expect(await role("bounded-on-path", { PermissionsBoundary: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" })).toBe("ok");
    // WHEN a role that may do anything in EC2, bounded by ReadOnlyAccess, launches an instance
    expect(await role("read-only-bounded", { PermissionsBoundary: "arn:aws:iam::aws:policy/ReadOnlyAccess" })).toBe("ok");
    await iam().send(new AttachRolePolicyCommand({ RoleName: "read-only-bounded", PolicyArn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess" }));
    const { Credentials } = await sts("source").send(
      new AssumeRoleCommand({ RoleArn: "arn:aws:iam::222222222222:role/read-only-bounded", RoleSessionName: "bounded", ExternalId: "x".repeat(8) }),
    );
    const ec2 = new EC2Client({
      region: "us-east-2",
      endpoint: double.url,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken,
      },
      maxAttempts: 1,
    });
    const { Images = [] } = await ec2.send(new DescribeImagesCommand({ Owners: ["099720109477"] }));
    const launched = await outcome(
      ec2.send(new RunInstancesCommand({ ImageId: Images[0].ImageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 })),
    );
    // THEN it may read, as the boundary allows, and not launch, which the boundary never allows
    expect(Images.length).toBeGreaterThan(0);
    expect(launched).toBe("UnauthorizedOperation");
  });

  it("attaches at most 10 managed policies to a group", async () => {
    await iam().send(new CreateGroupCommand({ GroupName: "many-policies" }));
    const arns = await Promise.all(Array.from({ length: 11 }, async (_, i) => (await policy("destination", `many-${i}`)).Policy?.Arn as string));
    const attach = (arn: string) => code(iam().send(new AttachGroupPolicyCommand({ GroupName: "many-policies", PolicyArn: arn })));
    for (const arn of arns.slice(0, 10)) expect(await attach(arn)).toBe("ok");
    expect(await attach(arns[10])).toBe("LimitExceededException");
    expect(await attach(arns[0])).toBe("ok");
  });

  it("changes no policy of a role AWS keeps for itself (IAM Identity Center's, a service-linked role)", async () => {
    const sso = SSO_ROLE;
    const document = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] });
    expect(await code(iam().send(new AttachRolePolicyCommand({ RoleName: sso, PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })))).toBe(
      "UnmodifiableEntityException",
    );
    expect(await code(iam().send(new PutRolePolicyCommand({ RoleName: sso, PolicyName: "assume", PolicyDocument: document })))).toBe(
      "UnmodifiableEntityException",
    );
  });
});
