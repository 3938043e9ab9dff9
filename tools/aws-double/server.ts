import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Authorizer, type Authorization, type Json } from "./authorizer";
import { Ec2Service, type ResourceKeyReading } from "./ec2";
import { expiredToken, FaultInjector, TargetedFaults, type FaultKind, type FaultOptions, type TargetedFault } from "./faults";
import { IamService, type RoleConsistency } from "./iam";
import { CredentialStore, type Caller, type Credentials } from "./identity";
import { OidcIssuers, type IdTokenClaims } from "./oidc-issuer";
import { AwsError, QueryParams } from "./protocol";
import { RawResponse, type CallContext, type Service } from "./service";
import { S3Service } from "./s3";
import { StsService } from "./sts";

/**
 * The AWS double: a local stand-in for the three AWS APIs the stacks use
 * (STS, IAM, EC2), and S3's state reads, for tests and the demo. It speaks their wire protocols on
 * 127.0.0.1, so the real Terraform provider, cdktf and the AWS SDK talk to it
 * through `AWS_ENDPOINT_URL` with no change to the synthesized stacks, and it
 * authorizes every call with an independent IAM evaluator.
 *
 * It is a test double: it proves that our stacks, policies and workflow work
 * with the real tools against AWS's protocols and IAM's evaluation logic. It
 * does not prove AWS's own behaviour beyond what it models (see the README).
 */

/** One call, as the double saw and decided it. */
export interface CallRecord {
  readonly service: string;
  readonly action: string;
  readonly region: string;
  /** The caller's account and ARN; absent when the credentials were not valid. */
  readonly accountId?: string;
  readonly caller?: string;
  /** The request parameters, as sent. */
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
  /** AWS's error code, when the call failed. */
  readonly error?: string;
  readonly authorizations: readonly Authorization[];
  /**
   * The fault answered instead of the call, which then had no effect: drawn (fault mode) or `targeted`; or
   * `lost-response`: the call had its effect (`status`) and the answer was cut off.
   */
  readonly fault?: FaultKind | "targeted" | "lost-response";
}

/** An IAM user of one account with a key: what a profile in `~/.aws/credentials` holds. */
export interface ProfileSpec {
  readonly profile: string;
  readonly accountId: string;
  /** @default `<profile>-admin`, or `<profile>-user` without admin rights */
  readonly userName?: string;
  /** Attach AdministratorAccess, as the tutorial's profiles have. @default true */
  readonly admin?: boolean;
  /** Inline identity policies, for principals with narrower rights. */
  readonly policies?: readonly Json[];
  /** The key is used with MFA. @default false */
  readonly mfa?: boolean;
  /** The profile is a session of this role instead of a user's key (CI's OIDC role, an instance profile). @default - a user */
  readonly roleName?: string;
  /** That role's path: `/aws-reserved/sso.amazonaws.com/` for IAM Identity Center's. @default "/" */
  readonly rolePath?: string;
  /** The profile holds a key of the account's root user: it may do anything in its account, but never assume a role. @default false */
  readonly root?: boolean;
}

export interface AwsDoubleOptions {
  readonly profiles: readonly ProfileSpec[];
  /** @default "aws" */
  readonly partition?: string;
  /** How a new role refuses AssumeRole (IAM's eventual consistency). @default - assumable at once */
  readonly roleConsistency?: RoleConsistency;
  /**
   * What EC2's resource condition keys (`ec2:VolumeSize`, `ec2:MetadataHttpTokens`) carry on a
   * modify call, which AWS does not document: the values as requested (after the change), or the
   * resource's current ones. The request keys (`ec2:Attribute/<name>`) carry the request either way.
   * @default "requested"
   */
  readonly resourceKeys?: ResourceKeyReading;
  /** Transient faults (throttling, server errors, connection resets) on a share of the signed calls. @default - none */
  readonly faults?: FaultOptions;
}

const SCOPE = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

export class AwsDouble {
  readonly calls: CallRecord[] = [];
  readonly profiles: Readonly<Record<string, Credentials & { readonly accountId: string }>>;
  readonly iam: IamService;
  readonly ec2: Ec2Service;
  readonly s3: S3Service;
  private readonly services: Readonly<Record<string, Service>>;
  private readonly authorizer: Authorizer;
  private readonly credentials = new CredentialStore();
  private readonly issuers = new OidcIssuers();
  private server?: Server;
  private port = 0;
  private faults?: FaultInjector;
  private readonly targeted = new TargetedFaults();

  private constructor(options: AwsDoubleOptions) {
    const partition = options.partition ?? "aws";
    this.iam = new IamService(this.credentials, partition, options.roleConsistency);
    this.ec2 = new Ec2Service(partition, options.resourceKeys);
    this.s3 = new S3Service(partition);
    const sts = new StsService(this.credentials, this.iam, this.issuers);
    this.services = { sts, iam: this.iam, ec2: this.ec2, s3: this.s3 };
    this.authorizer = new Authorizer((caller) => this.iam.policiesOf(caller));
    this.profiles = Object.fromEntries(
      options.profiles.map((spec) => [
        spec.profile,
        {
          accountId: spec.accountId,
          ...(spec.root
            ? this.iam.createRootKey(spec.accountId)
            : spec.roleName
              ? this.iam.createRoleWithSession(spec.accountId, spec.roleName, spec.profile, spec.policies ?? [], spec.rolePath)
              : this.iam.createUserWithKey(spec.accountId, spec.userName ?? `${spec.profile}-${(spec.admin ?? true) ? "admin" : "user"}`, {
                  admin: spec.admin ?? true,
                  mfa: spec.mfa,
                  policies: spec.policies,
                })),
        },
      ]),
    );
    this.iam.markSeeded();
    this.injectFaults(options.faults);
  }

  /**
   * Answers the calls `fault` matches with its error, before they act, until the function returned lifts it:
   * a state write refused, a throttled action, credentials gone.
   */
  injectTargetedFault(fault: TargetedFault): () => void {
    return this.targeted.add(fault);
  }

  /**
   * Makes a profile's credentials expire, as session credentials (IAM Identity Center's, a CI job's) do in
   * the middle of a long run: every call signed with them answers `ExpiredToken`, until the function returned
   * renews them. Sessions already handed out with them keep working until their own expiry, as in AWS.
   */
  expireCredentials(profile: string): () => void {
    const key = this.profiles[profile]?.accessKeyId;
    if (!key) throw new Error(`no profile ${profile} in the double`);
    return this.injectTargetedFault({ matches: (call) => call.accessKeyId === key, error: expiredToken() });
  }

  /** Turns fault mode on with `options`, or off without: a test can fault one run and check the next. */
  injectFaults(options?: FaultOptions): void {
    this.faults = options && options.rate > 0 ? new FaultInjector(options) : undefined;
  }

  /** Starts a double on 127.0.0.1, on a port the system picks. */
  static async start(options: AwsDoubleOptions, port = 0): Promise<AwsDouble> {
    const double = new AwsDouble(options);
    const server = createServer((request, response) => void double.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    double.server = server;
    double.port = (server.address() as AddressInfo).port;
    return double;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Writes `credentials` and `config` files for every profile into `dir` and
   * returns the environment that points the AWS provider, cdktf and the SDK
   * at the double.
   */
  writeProfiles(dir: string, region = "us-east-1"): Record<string, string> {
    const credentials = join(dir, "credentials");
    const config = join(dir, "config");
    const entries = Object.entries(this.profiles);
    writeFileSync(
      credentials,
      entries
        .map(
          ([name, key]) =>
            `[${name}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n${key.sessionToken ? `aws_session_token = ${key.sessionToken}\n` : ""}`,
        )
        .join("\n"),
    );
    writeFileSync(config, entries.map(([name]) => `[profile ${name}]\nregion = ${region}\n`).join("\n"));
    return {
      AWS_ENDPOINT_URL: this.url,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_CONFIG_FILE: config,
      // No instance metadata here: without this, a missing credential waits on the metadata service.
      AWS_EC2_METADATA_DISABLED: "true",
    };
  }

  /**
   * An ID token from a CI's OIDC issuer (GitHub Actions' token service, say),
   * signed with the issuer's key that STS checks: what a CI job hands to
   * AssumeRoleWithWebIdentity.
   */
  idToken(claims: IdTokenClaims): string {
    return this.issuers.token(claims);
  }

  /** Every resource the double holds, per service and account: empty after a full destroy. */
  inventory(): Record<string, Record<string, readonly string[]>> {
    return Object.fromEntries(Object.entries(this.services).map(([name, service]) => [name, service.inventory()]));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? "/", this.url);
    const raw = Buffer.concat(chunks);
    const body = raw.toString("utf8");
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(",") : (value ?? "")]),
    );
    const scope = SCOPE.exec(String(request.headers.authorization ?? ""));
    const service = scope ? this.services[scope[3]] : undefined;
    const params = service?.route ? service.route(request.method ?? "GET", url) : QueryParams.parse(body || url.search.slice(1));
    // Only STS takes calls without a signature, and only those that carry a token instead.
    const unsigned = scope ? undefined : this.services.sts.unsignedHandlers?.[params.action];
    const requestId = randomUUID();
    const authorizations: Authorization[] = [];
    const region = scope?.[2] ?? "us-east-1";
    let caller: Caller | undefined;
    const targeted = scope ? this.targeted.next({ service: scope[3], action: params.action, accessKeyId: scope[1], params }) : undefined;
    const drawn = scope && !targeted ? this.faults?.next(scope[3]) : undefined;
    const fault = targeted && "error" in targeted ? ({ kind: "targeted", error: targeted.error } as const) : drawn;
    // The call is carried out, and its answer never leaves: the connection is cut instead.
    const lost = targeted !== undefined && "lostResponse" in targeted;
    const record = (status: number, error?: string) =>
      this.calls.push({
        service: scope?.[3] ?? (unsigned ? "sts" : "unknown"),
        action: params.action,
        region,
        accountId: caller?.accountId,
        caller: caller?.arn,
        params: Object.fromEntries(params.entries()),
        status,
        error,
        authorizations,
        ...(fault ? { fault: fault.kind } : lost ? { fault: "lost-response" as const } : {}),
      });
    const reply = (
      status: number,
      xml: string | Buffer,
      error?: string,
      extraHeaders: Readonly<Record<string, string>> = { "content-type": "text/xml" },
    ) => {
      record(status, error);
      if (lost) {
        request.socket.resetAndDestroy();
        return;
      }
      response.writeHead(status, { ...extraHeaders, "x-amzn-requestid": requestId, "x-amz-request-id": requestId });
      response.end(xml);
    };
    const protocol = service?.protocol ?? this.services.sts.protocol;
    try {
      if (unsigned) {
        reply(200, protocol.render(params.action, await unsigned({ region, params, now: new Date(), authorizations }), requestId));
        return;
      }
      if (!scope) throw new AwsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
      // The request was read whole; the connection is cut before anything is done or answered.
      if (fault?.kind === "reset") {
        record(0, "ConnectionReset");
        request.socket.resetAndDestroy();
        return;
      }
      if (fault) throw fault.error;
      if (!service) throw new AwsError("InvalidAction", `The AWS double does not implement the ${scope[3]} service.`);
      caller = this.credentials.resolve(scope[1], header(request, "x-amz-security-token"));
      const handler = service.handlers[params.action];
      if (!handler) throw new AwsError("InvalidAction", `The AWS double does not implement ${service.signingName}:${params.action}.`);
      const known: Caller = caller;
      const context: CallContext = {
        caller: known,
        headers,
        body: raw,
        region,
        params,
        now: new Date(),
        authorize: (action, resources, options) => this.authorizer.authorize(known, region, action, resources, authorizations, options),
      };
      const result = await handler(context);
      if (result instanceof RawResponse)
        reply(result.status, typeof result.body === "string" ? Buffer.from(result.body) : result.body, undefined, result.headers);
      else reply(200, protocol.render(params.action, result, requestId));
    } catch (error) {
      const failure =
        error instanceof AwsError
          ? error
          : new AwsError("InternalFailure", error instanceof Error ? (error.stack ?? error.message) : String(error), 500);
      reply(failure.status, protocol.renderError(failure, requestId), failure.code);
    }
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
