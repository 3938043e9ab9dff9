import { validateIdentityPolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { config, DESTINATION_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT } from "./support/fixtures";
import { webIdentityDecision } from "../tools/aws-double/authorizer";
import { decide, LOOKED_UP, synthesizedPolicies, type Request } from "./support/simulate";

const CI = `arn:aws:iam::${SOURCE_ACCOUNT}:user/ci`;
const OTHER_SOURCE_USER = `arn:aws:iam::${SOURCE_ACCOUNT}:user/intern`;
const THIRD_ACCOUNT_USER = `arn:aws:iam::${OTHER_ACCOUNT}:user/ci`;
const EXTERNAL_ID = "ext-7d1c";
const REGION = "us-east-2";

// GIVEN the hardened setup: named principal, external ID; a second config adds MFA.
const hardened = synthesizedPolicies(config({}, { trustedPrincipalArns: [CI], externalId: EXTERNAL_ID }));
const withMfa = synthesizedPolicies(config({}, { externalId: EXTERNAL_ID, requireMfa: true }));
const withUserSessionName = synthesizedPolicies(config({}, { externalId: EXTERNAL_ID, requireSessionName: "username" }));
const withRecentMfa = synthesizedPolicies(config({}, { externalId: EXTERNAL_ID, requireMfa: true, maxMfaAgeSeconds: 3600 }));

/** An sts:AssumeRole call into the role: the source-side policy and the trust policy both apply. */
function assumeRole(policies: typeof hardened, principal: string, context: Record<string, string> = {}): Request {
  const account = /::(\d{12}):/.exec(principal)?.[1] ?? "";
  return {
    principal,
    action: "sts:AssumeRole",
    resource: policies.roleArn,
    resourceAccount: DESTINATION_ACCOUNT,
    context: { "aws:PrincipalArn": principal, "aws:PrincipalAccount": account, "aws:MultiFactorAuthPresent": "false", ...context },
    identityPolicies: [policies.source],
    resourcePolicy: policies.trust,
  };
}

const instanceArn = (region = REGION) => `arn:aws:ec2:${region}:${DESTINATION_ACCOUNT}:instance/*`;
const launchContext = {
  "aws:RequestedRegion": REGION,
  "ec2:InstanceType": "t3.micro",
  "ec2:MetadataHttpTokens": "required",
  "aws:RequestTag/Project": "cdktf-assume-role",
  "aws:TagKeys": ["Project"],
};

/** A call made by the role's session, evaluated against its permissions. */
function asRole(action: string, resource: string, context: Record<string, string | string[]> = {}): Request {
  return {
    principal: hardened.sessionArn,
    action,
    resource,
    resourceAccount: DESTINATION_ACCOUNT,
    context,
    identityPolicies: [hardened.permissions],
  };
}

describe("the synthesized policies are valid IAM", () => {
  it.each([
    ["trust", () => validateTrustPolicy(hardened.trust)],
    ["permissions", () => validateIdentityPolicy(hardened.permissions)],
    ["source", () => validateIdentityPolicy(hardened.source)],
    ["trust with MFA", () => validateTrustPolicy(withMfa.trust)],
  ])("%s policy", (_name, validate) => {
    expect(validate()).toEqual([]);
  });
});

describe("trust: who may assume the role", () => {
  it("allows the trusted principal with the right external ID", async () => {
    expect(await decide(assumeRole(hardened, CI, { "sts:ExternalId": EXTERNAL_ID }))).toBe("Allowed");
  });

  it("denies the trusted principal without an external ID", async () => {
    expect(await decide(assumeRole(hardened, CI))).toBe("ImplicitlyDenied");
  });

  it("denies the trusted principal with a wrong external ID", async () => {
    expect(await decide(assumeRole(hardened, CI, { "sts:ExternalId": "guess" }))).toBe("ImplicitlyDenied");
  });

  it("denies another principal of the source account, even with the source policy and the external ID", async () => {
    expect(await decide(assumeRole(hardened, OTHER_SOURCE_USER, { "sts:ExternalId": EXTERNAL_ID }))).toBe("ImplicitlyDenied");
  });

  it("denies a principal of a third account, even with an identity policy allowing it", async () => {
    expect(await decide(assumeRole(hardened, THIRD_ACCOUNT_USER, { "sts:ExternalId": EXTERNAL_ID }))).toBe("ImplicitlyDenied");
  });

  it("denies a session without MFA when MFA is required", async () => {
    expect(await decide(assumeRole(withMfa, CI, { "sts:ExternalId": EXTERNAL_ID }))).toBe("ImplicitlyDenied");
  });

  it("allows the same session with MFA", async () => {
    expect(await decide(assumeRole(withMfa, CI, { "sts:ExternalId": EXTERNAL_ID, "aws:MultiFactorAuthPresent": "true" }))).toBe("Allowed");
  });

  it("with maxMfaAgeSeconds, denies an MFA sign-in older than the bound and allows a recent one", async () => {
    const mfa = (age: string) => ({ "sts:ExternalId": EXTERNAL_ID, "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": age });
    expect(await decide(assumeRole(withRecentMfa, CI, mfa("86400")))).toBe("ImplicitlyDenied");
    expect(await decide(assumeRole(withRecentMfa, CI, mfa("600")))).toBe("Allowed");
    expect(await decide(assumeRole(withRecentMfa, CI, { "sts:ExternalId": EXTERNAL_ID }))).toBe("ImplicitlyDenied");
  });
});

describe("trust: the required session name", () => {
  const as = (session: string) =>
    assumeRole(withUserSessionName, CI, { "sts:ExternalId": EXTERNAL_ID, "aws:username": "ci", "sts:RoleSessionName": session });

  it("allows a session named after the caller's IAM user name, as synthesized (Terraform's escape undone)", async () => {
    expect(await decide(as("ci"))).toBe("Allowed");
  });

  it("denies a session named otherwise: no one can act under another name", async () => {
    expect(await decide(as("alice"))).toBe("ImplicitlyDenied");
    expect(await decide(as("cdktf-assume-role"))).toBe("ImplicitlyDenied");
  });
});

describe("trust: CI's OIDC role", () => {
  // GIVEN a trust that names principals, and a CI role for a repository's main branch and its production environment
  const ISSUER = "token.actions.githubusercontent.com";
  const PROVIDER = `arn:aws:iam::${SOURCE_ACCOUNT}:oidc-provider/${ISSUER}`;
  const CI_ROLE = `arn:aws:iam::${SOURCE_ACCOUNT}:role/cross-account-ec2-destination-ci`;
  const SUBJECTS = ["repo:acme/infra:ref:refs/heads/main", "repo:acme/infra:environment:production"];
  const withCi = synthesizedPolicies(
    config({ source: { accountId: SOURCE_ACCOUNT, ciOidc: { subjects: SUBJECTS } } }, { trustedPrincipalArns: [CI], externalId: EXTERNAL_ID }),
  );
  // The service authorization data lacks <issuer>:aud and :sub, so the checked simulation would drop them: see webIdentityDecision.
  const withToken = (sub: string, aud = "sts.amazonaws.com", provider = PROVIDER) =>
    webIdentityDecision({
      providerArn: provider,
      roleArn: CI_ROLE,
      roleAccount: SOURCE_ACCOUNT,
      trustPolicy: withCi.ciTrust!,
      context: { [`${ISSUER}:sub`]: sub, [`${ISSUER}:aud`]: aud, "sts:RoleSessionName": "gha" },
    });

  it("is valid IAM", () => {
    expect(validateTrustPolicy(withCi.ciTrust)).toEqual([]);
  });

  it.each(SUBJECTS)("allows a token of a configured subject with the audience: %s", (sub) => {
    expect(withToken(sub)).toBe("Allowed");
  });

  it.each([
    ["another repository", "repo:evil/infra:ref:refs/heads/main"],
    ["another branch of the repository", "repo:acme/infra:ref:refs/heads/feature"],
    ["a pull request", "repo:acme/infra:pull_request"],
    ["another environment", "repo:acme/infra:environment:staging"],
  ])("denies a token of %s", (_what, sub) => {
    expect(withToken(sub)).toBe("ImplicitlyDenied");
  });

  it("denies a token for another audience, or from another provider", () => {
    expect(withToken(SUBJECTS[0], "sigstore")).toBe("ImplicitlyDenied");
    expect(withToken(SUBJECTS[0], "sts.amazonaws.com", `arn:aws:iam::${SOURCE_ACCOUNT}:oidc-provider/gitlab.com`)).toBe("ImplicitlyDenied");
  });

  it("lets the CI role's session assume the destination role (the trust names it with the other principals) and no other role", async () => {
    const session = `arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/cross-account-ec2-destination-ci/gha`;
    const request = (resource: string): Request => ({
      principal: session,
      action: "sts:AssumeRole",
      resource,
      resourceAccount: DESTINATION_ACCOUNT,
      context: { "aws:PrincipalArn": CI_ROLE, "aws:PrincipalAccount": SOURCE_ACCOUNT, "sts:ExternalId": EXTERNAL_ID },
      identityPolicies: [withCi.source],
      resourcePolicy: withCi.trust,
    });
    expect(await decide(request(withCi.roleArn))).toBe("Allowed");
    expect(await decide({ ...request(`arn:aws:iam::${DESTINATION_ACCOUNT}:role/OrganizationAccountAccessRole`), resourcePolicy: undefined })).toBe(
      "ImplicitlyDenied",
    );
  });
});

describe("trust: the users source.createUser makes, one per destination", () => {
  // GIVEN two destinations, each with its created user, and a trust that names a deployer
  const userOf = (destination: string) => `arn:aws:iam::${SOURCE_ACCOUNT}:user/cross-account-ec2-${destination}-user`;
  const policies = synthesizedPolicies(
    config(
      {
        source: { accountId: SOURCE_ACCOUNT, createUser: true },
        destinations: [
          { name: "destination", accountId: DESTINATION_ACCOUNT },
          { name: "prod", accountId: OTHER_ACCOUNT },
        ],
      },
      { trustedPrincipalArns: [CI], externalId: EXTERNAL_ID },
    ),
  );
  const asUser = (user: string): Request => ({
    principal: user,
    action: "sts:AssumeRole",
    resource: policies.roleArn,
    resourceAccount: DESTINATION_ACCOUNT,
    context: { "aws:PrincipalArn": user, "aws:PrincipalAccount": SOURCE_ACCOUNT, "sts:ExternalId": EXTERNAL_ID },
    // Even with an identity policy that allows it, the trust decides.
    identityPolicies: [policies.source],
    resourcePolicy: policies.trust,
  });

  it("allows the destination's own created user", async () => {
    expect(await decide(asUser(userOf("destination")))).toBe("Allowed");
  });

  it("denies another destination's created user: one key reaches one destination", async () => {
    expect(await decide(asUser(userOf("prod")))).toBe("ImplicitlyDenied");
  });
});

describe("source policy: what the source principals may assume", () => {
  const sourceSide = (resource: string): Request => ({
    principal: CI,
    action: "sts:AssumeRole",
    resource,
    resourceAccount: SOURCE_ACCOUNT,
    identityPolicies: [hardened.source],
  });

  it("allows assuming this role", async () => {
    expect(await decide(sourceSide(hardened.roleArn))).toBe("Allowed");
  });

  it("allows assuming no other role", async () => {
    expect(await decide(sourceSide(`arn:aws:iam::${DESTINATION_ACCOUNT}:role/OrganizationAccountAccessRole`))).toBe("ImplicitlyDenied");
  });
});

describe("permissions: what the role may do", () => {
  it("allows RunInstances of the allowed type, in the region, with IMDSv2 and the project tag", async () => {
    expect(await decide(asRole("ec2:RunInstances", instanceArn(), launchContext))).toBe("Allowed");
  });

  it.each([
    ["in another region", instanceArn("eu-west-1"), { "aws:RequestedRegion": "eu-west-1" }],
    ["of another instance type", instanceArn(), { "ec2:InstanceType": "p5.48xlarge" }],
    ["with IMDSv1 allowed", instanceArn(), { "ec2:MetadataHttpTokens": "optional" }],
    ["without the project tag", instanceArn(), { "aws:RequestTag/Project": "someone-else" }],
  ])("denies RunInstances %s", async (_case, resource, override) => {
    expect(await decide(asRole("ec2:RunInstances", resource, { ...launchContext, ...override }))).toBe("ImplicitlyDenied");
  });

  it("denies launching with an unencrypted volume", async () => {
    const volume = `arn:aws:ec2:${REGION}:${DESTINATION_ACCOUNT}:volume/*`;
    expect(await decide(asRole("ec2:RunInstances", volume, { "aws:RequestedRegion": REGION, "ec2:Encrypted": "false" }))).toBe("ImplicitlyDenied");
  });

  it("terminates a project instance, and denies terminating one without the project tag", async () => {
    const instance = `arn:aws:ec2:${REGION}:${DESTINATION_ACCOUNT}:instance/i-0123456789abcdef0`;
    expect(
      await decide(asRole("ec2:TerminateInstances", instance, { "aws:RequestedRegion": REGION, "aws:ResourceTag/Project": "cdktf-assume-role" })),
    ).toBe("Allowed");
    expect(await decide(asRole("ec2:TerminateInstances", instance, { "aws:RequestedRegion": REGION }))).toBe("ImplicitlyDenied");
  });

  it("denies removing the project tag", async () => {
    const instance = `arn:aws:ec2:${REGION}:${DESTINATION_ACCOUNT}:instance/i-0123456789abcdef0`;
    const context = { "aws:RequestedRegion": REGION, "aws:ResourceTag/Project": "cdktf-assume-role", "aws:TagKeys": ["Project"] };
    expect(await decide(asRole("ec2:DeleteTags", instance, context))).toBe("ImplicitlyDenied");
  });

  it.each([
    ["iam:CreateUser", `arn:aws:iam::${DESTINATION_ACCOUNT}:user/backdoor`],
    ["s3:GetObject", "arn:aws:s3:::other-bucket/secret.txt"],
    ["sts:AssumeRole", `arn:aws:iam::${OTHER_ACCOUNT}:role/admin`],
    ["organizations:ListAccounts", "*"],
  ])("denies %s", async (action, resource) => {
    expect(await decide(asRole(action, resource, { "aws:RequestedRegion": REGION }))).toBe("ImplicitlyDenied");
  });
});

describe("the role cannot escalate through the instance it manages (each hole denied, the call Terraform needs allowed)", () => {
  const project = { "aws:RequestedRegion": REGION, "aws:ResourceTag/Project": "cdktf-assume-role" };
  const instance = `arn:aws:ec2:${REGION}:${DESTINATION_ACCOUNT}:instance/i-0123456789abcdef0`;
  const volume = `arn:aws:ec2:${REGION}:${DESTINATION_ACCOUNT}:volume/vol-0123456789abcdef0`;
  const launch = (resource: string, context: Record<string, string | string[]>) =>
    decide(asRole("ec2:RunInstances", resource, { "aws:RequestedRegion": REGION, ...context }));
  const bootVolume = {
    "ec2:Encrypted": "true",
    "ec2:VolumeType": "gp3",
    "ec2:VolumeSize": "8",
    "ec2:VolumeIops": "3000",
    "ec2:VolumeThroughput": "125",
  };

  it.each<[string, Request, string]>([
    [
      "retype to a p5.48xlarge",
      asRole("ec2:ModifyInstanceAttribute", instance, { ...project, "ec2:Attribute/InstanceType": "p5.48xlarge" }),
      "ImplicitlyDenied",
    ],
    [
      "retype within the allowed types",
      asRole("ec2:ModifyInstanceAttribute", instance, { ...project, "ec2:Attribute/InstanceType": "t3.micro" }),
      "Allowed",
    ],
    [
      "start an instance retyped elsewhere",
      asRole("ec2:StartInstances", instance, { ...project, "ec2:InstanceType": "p5.48xlarge" }),
      "ImplicitlyDenied",
    ],
    ["start an instance of the allowed type", asRole("ec2:StartInstances", instance, { ...project, "ec2:InstanceType": "t3.micro" }), "Allowed"],
    [
      "replace user data",
      asRole("ec2:ModifyInstanceAttribute", instance, { ...project, "ec2:Attribute/UserData": "IyEvYmluL3No" }),
      "ImplicitlyDenied",
    ],
    [
      "swap the security groups",
      asRole("ec2:ModifyInstanceAttribute", instance, { ...project, "ec2:Attribute/GroupId": "sg-0open" }),
      "ImplicitlyDenied",
    ],
    [
      "turn off termination protection",
      asRole("ec2:ModifyInstanceAttribute", instance, { ...project, "ec2:Attribute/DisableApiTermination": "false" }),
      "Allowed",
    ],
    [
      "go back to IMDSv1",
      asRole("ec2:ModifyInstanceMetadataOptions", instance, { ...project, "ec2:MetadataHttpTokens": "optional" }),
      "ImplicitlyDenied",
    ],
    [
      "set metadata options keeping IMDSv2",
      asRole("ec2:ModifyInstanceMetadataOptions", instance, { ...project, "ec2:MetadataHttpTokens": "required" }),
      "Allowed",
    ],
    ["switch to unlimited CPU credits", asRole("ec2:ModifyInstanceCreditSpecification", instance, project), "ImplicitlyDenied"],
    [
      "grow a volume to 16 TiB",
      asRole("ec2:ModifyVolume", volume, { ...project, "ec2:VolumeType": "gp3", "ec2:VolumeSize": "16384" }),
      "ImplicitlyDenied",
    ],
    [
      "turn a volume into io2",
      asRole("ec2:ModifyVolume", volume, { ...project, "ec2:VolumeType": "io2", "ec2:VolumeSize": "8", "ec2:VolumeIops": "256000" }),
      "ImplicitlyDenied",
    ],
    [
      "grow a volume within the bound",
      asRole("ec2:ModifyVolume", volume, { ...project, "ec2:VolumeType": "gp3", "ec2:VolumeSize": "20" }),
      "Allowed",
    ],
    ["read the user data of any instance", asRole("ec2:DescribeInstanceAttribute", instance, { "aws:RequestedRegion": REGION }), "ImplicitlyDenied"],
    ["read a project instance's attributes", asRole("ec2:DescribeInstanceAttribute", instance, project), "Allowed"],
  ])("%s: %#", async (_what, request, expected) => {
    expect(await decide(request)).toBe(expected);
  });

  it.each<[string, string, Record<string, string | string[]>, string]>([
    [
      "a 64 TiB io2 volume at 256k IOPS",
      "volume",
      { ...bootVolume, "ec2:VolumeType": "io2", "ec2:VolumeSize": "65536", "ec2:VolumeIops": "256000" },
      "ImplicitlyDenied",
    ],
    ["a gp3 volume above the size bound", "volume", { ...bootVolume, "ec2:VolumeSize": "31" }, "ImplicitlyDenied"],
    ["a gp3 volume with paid IOPS", "volume", { ...bootVolume, "ec2:VolumeIops": "16000" }, "ImplicitlyDenied"],
    ["the encrypted 8 GiB gp3 boot volume", "volume", bootVolume, "Allowed"],
    ["a community image", "image", { "ec2:Owner": "123456789012" }, "ImplicitlyDenied"],
    ["Canonical's image", "image", { "ec2:Owner": "099720109477" }, "Allowed"],
    ["a public IP", "network-interface", { "ec2:AssociatePublicIpAddress": "true" }, "ImplicitlyDenied"],
    ["no public IP", "network-interface", { "ec2:AssociatePublicIpAddress": "false" }, "Allowed"],
    ["an existing key pair", "key-pair", { "ec2:KeyPairName": "someone-elses" }, "ImplicitlyDenied"],
  ])("launch with %s", async (_what, type, context, expected) => {
    const resource =
      type === "image" ? `arn:aws:ec2:${REGION}::image/ami-0123456789abcdef0` : `arn:aws:ec2:${REGION}:${DESTINATION_ACCOUNT}:${type}/x`;
    expect(await launch(resource, context)).toBe(expected);
  });

  it.each<[string, string, string]>([
    ["another subnet (one with a route to the internet, say)", "subnet/subnet-0public000000000001", "ImplicitlyDenied"],
    ["the subnet the IAM stack looked up", `subnet/${LOOKED_UP.subnetId}`, "Allowed"],
    ["another security group (one open to 0.0.0.0/0, say)", "security-group/sg-0open0000000000001", "ImplicitlyDenied"],
    ["the security group the IAM stack looked up", `security-group/${LOOKED_UP.securityGroupId}`, "Allowed"],
  ])("launch into %s", async (_what, resource, expected) => {
    expect(await launch(`arn:aws:ec2:${REGION}:${DESTINATION_ACCOUNT}:${resource}`, {})).toBe(expected);
  });
});

/**
 * AWS's Service Authorization Reference lists, on the same resource, the
 * resource's keys (`ec2:VolumeSize`, `ec2:MetadataHttpTokens`) and the
 * request's (`ec2:Attribute/Size`, `ec2:Attribute/HttpTokens`), without
 * saying whether the resource keys carry the current values or the requested
 * ones. Each bound is evaluated under both readings.
 */
describe("bounds that hold whichever value AWS puts in EC2's resource keys", () => {
  const project = { "aws:RequestedRegion": REGION, "aws:ResourceTag/Project": "cdktf-assume-role" };
  const instance = `arn:aws:ec2:${REGION}:${DESTINATION_ACCOUNT}:instance/i-0123456789abcdef0`;
  const volume = `arn:aws:ec2:${REGION}:${DESTINATION_ACCOUNT}:volume/vol-0123456789abcdef0`;
  /** Resource key -> the request key that names the same attribute. */
  const VOLUME_KEYS = { "ec2:VolumeType": "VolumeType", "ec2:VolumeSize": "Size", "ec2:VolumeIops": "Iops", "ec2:VolumeThroughput": "Throughput" };
  const INSTANCE_KEYS = { "ec2:MetadataHttpTokens": "HttpTokens" };
  type Attributes = Record<string, string>;

  /** The two contexts AWS might build: resource keys as they are now, or as requested; the request keys are the request either way. */
  function readings(keys: Record<string, string>, current: Attributes, requested: Attributes): [string, Record<string, string>][] {
    const request = Object.fromEntries(Object.entries(requested).map(([name, value]) => [`ec2:Attribute/${name}`, value]));
    const resource = (pick: (key: string, name: string) => string | undefined) =>
      Object.fromEntries(Object.entries(keys).flatMap(([key, name]) => (pick(key, name) === undefined ? [] : [[key, pick(key, name) as string]])));
    return [
      ["resource keys = current values", { ...project, ...request, ...resource((key) => current[key]) }],
      ["resource keys = requested values", { ...project, ...request, ...resource((key, name) => requested[name] ?? current[key]) }],
    ];
  }
  const gp3 = { "ec2:VolumeType": "gp3", "ec2:VolumeSize": "8", "ec2:VolumeIops": "3000", "ec2:VolumeThroughput": "125" };

  it.each<[string, string, string, Record<string, string>, Attributes, Attributes, string]>([
    [
      "grow a volume to 64 TiB io2 at 256,000 IOPS",
      "ec2:ModifyVolume",
      volume,
      VOLUME_KEYS,
      gp3,
      { Size: "65536", VolumeType: "io2", Iops: "256000" },
      "ImplicitlyDenied",
    ],
    ["grow a volume to 16 TiB gp3", "ec2:ModifyVolume", volume, VOLUME_KEYS, gp3, { Size: "16384" }, "ImplicitlyDenied"],
    ["raise a volume's throughput beyond gp3's baseline", "ec2:ModifyVolume", volume, VOLUME_KEYS, gp3, { Throughput: "1000" }, "ImplicitlyDenied"],
    ["grow a volume within the bound", "ec2:ModifyVolume", volume, VOLUME_KEYS, gp3, { Size: "12" }, "Allowed"],
    [
      "turn IMDSv1 back on",
      "ec2:ModifyInstanceMetadataOptions",
      instance,
      INSTANCE_KEYS,
      { "ec2:MetadataHttpTokens": "required" },
      { HttpTokens: "optional" },
      "ImplicitlyDenied",
    ],
    [
      "set metadata options keeping IMDSv2",
      "ec2:ModifyInstanceMetadataOptions",
      instance,
      INSTANCE_KEYS,
      { "ec2:MetadataHttpTokens": "required" },
      { HttpTokens: "required" },
      "Allowed",
    ],
    [
      "change the hop limit alone on an IMDSv2 instance",
      "ec2:ModifyInstanceMetadataOptions",
      instance,
      INSTANCE_KEYS,
      { "ec2:MetadataHttpTokens": "required" },
      { HttpPutResponseHopLimit: "2" },
      "Allowed",
    ],
    [
      "require IMDSv2 on an instance someone set back to IMDSv1",
      "ec2:ModifyInstanceMetadataOptions",
      instance,
      INSTANCE_KEYS,
      { "ec2:MetadataHttpTokens": "optional" },
      { HttpTokens: "required" },
      "Allowed",
    ],
  ])("%s: the same under both readings", async (_what, action, resource, keys, current, requested, expected) => {
    for (const [reading, context] of readings(keys, current, requested))
      expect({ reading, decision: await decide(asRole(action, resource, context)) }).toEqual({ reading, decision: expected });
  });
});

describe("options that change a launch bound, through the synthesized stack", () => {
  const PINNED = "ami-0123456789abcdef0";
  const withOptions = (instance: Record<string, unknown>) =>
    synthesizedPolicies(config({ instance: { instanceType: "t3.micro", ...instance } }, { externalId: EXTERNAL_ID }));
  const launchAs = (policies: ReturnType<typeof synthesizedPolicies>, resource: string, context: Record<string, string>) =>
    decide({
      principal: policies.sessionArn,
      action: "ec2:RunInstances",
      resource,
      resourceAccount: DESTINATION_ACCOUNT,
      context: { "aws:RequestedRegion": REGION, ...context },
      identityPolicies: [policies.permissions],
    });
  const image = (id: string) => `arn:aws:ec2:${REGION}::image/${id}`;
  const networkInterface = `arn:aws:ec2:${REGION}:${DESTINATION_ACCOUNT}:network-interface/x`;

  it("with instance.ami pinned, launches that image and no other, not even another of Canonical's", async () => {
    const pinned = withOptions({ ami: PINNED });
    expect(await launchAs(pinned, image(PINNED), { "ec2:ImageID": PINNED, "ec2:Owner": "099720109477" })).toBe("Allowed");
    expect(await launchAs(pinned, image("ami-0fedcba9876543210"), { "ec2:ImageID": "ami-0fedcba9876543210", "ec2:Owner": "099720109477" })).toBe(
      "ImplicitlyDenied",
    );
  });

  it("with instance.associatePublicIpAddress, launches a network interface with a public IP, and one without", async () => {
    const open = withOptions({ associatePublicIpAddress: true });
    expect(await launchAs(open, networkInterface, { "ec2:AssociatePublicIpAddress": "true" })).toBe("Allowed");
    expect(await launchAs(open, networkInterface, { "ec2:AssociatePublicIpAddress": "false" })).toBe("Allowed");
    // and without the option, no public IP
    expect(await launchAs(withOptions({}), networkInterface, { "ec2:AssociatePublicIpAddress": "true" })).toBe("ImplicitlyDenied");
  });
});
