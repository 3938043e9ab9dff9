import { createValidatedPolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { isWildcardOnlyAction, runSimulation, runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import type { Caller } from "./identity";
import { AwsError } from "./protocol";

/**
 * AWS double (test double): every call is authorized as AWS would, by an
 * independent IAM evaluator (`@cloud-copilot/iam-simulate`), against the
 * caller's identity policies, its permissions boundary and, for AssumeRole,
 * the role's trust policy. Nothing is allowed by assumption.
 */

export type Json = Record<string, unknown>;
export type ContextValues = Record<string, string | string[]>;

/** The policies that apply to a principal. */
export interface PrincipalPolicies {
  readonly identity: readonly { readonly name: string; readonly document: Json }[];
  /** @default - no permissions boundary */
  readonly boundary?: Json;
}

/** One resource a call touches, with the request context AWS builds for it. */
export interface ResourceRequest {
  readonly resource: string;
  readonly context?: ContextValues;
}

/** What was decided for one action on one resource. */
export interface Authorization {
  readonly action: string;
  readonly resource: string;
  readonly allowed: boolean;
}

export interface AuthorizeOptions {
  /** A resource-based policy (a role's trust policy). */
  readonly resourcePolicy?: Json;
  /** @default - the caller's account */
  readonly resourceAccount?: string;
}

/** The request context AWS adds to every call from this caller. */
export function globalContext(caller: Caller, region: string, now = new Date()): ContextValues {
  const context: ContextValues = {
    "aws:PrincipalArn": caller.principalArn,
    "aws:PrincipalAccount": caller.accountId,
    "aws:PrincipalType": caller.root ? "Account" : caller.session ? "AssumedRole" : "User",
    "aws:userid": caller.userId,
    "aws:RequestedRegion": region,
    "aws:CurrentTime": now.toISOString(),
    "aws:EpochTime": String(Math.floor(now.getTime() / 1000)),
    "aws:SecureTransport": "false",
    "aws:ViaAWSService": "false",
  };
  if (caller.userName) context["aws:username"] = caller.userName;
  if (caller.mfa) context["aws:MultiFactorAuthPresent"] = "true";
  if (caller.session?.sourceIdentity) context["aws:SourceIdentity"] = caller.session.sourceIdentity;
  for (const [key, value] of Object.entries(caller.session?.tags ?? {})) context[`aws:PrincipalTag/${key}`] = value;
  return context;
}

const serviceOf = (action: string) => action.split(":")[0];

/** Decides each request with the simulator; records every decision. */
export class Authorizer {
  constructor(private readonly policiesOf: (caller: Caller) => PrincipalPolicies) {}

  /**
   * Allows the action on every resource, or throws the error AWS answers
   * (`AccessDenied`, or `UnauthorizedOperation` for EC2) naming the first
   * resource denied. Decisions are appended to `record`.
   */
  async authorize(
    caller: Caller,
    region: string,
    action: string,
    resources: readonly ResourceRequest[],
    record: Authorization[],
    options: AuthorizeOptions = {},
  ): Promise<void> {
    const policies = this.policiesOf(caller);
    const [service, name] = action.split(":");
    const wildcardOnly = await isWildcardOnlyAction(service, name);
    for (const request of resources) {
      const resource = wildcardOnly ? "*" : request.resource;
      const result = await runSimulation(
        {
          request: {
            principal: caller.arn,
            action,
            resource: { resource, accountId: options.resourceAccount ?? caller.accountId },
            contextVariables: { ...globalContext(caller, region), ...request.context },
          },
          identityPolicies: policies.identity.map((policy) => ({ name: policy.name, policy: policy.document })),
          permissionBoundaryPolicies: policies.boundary ? [{ name: "boundary", policy: policies.boundary }] : undefined,
          resourcePolicy: options.resourcePolicy,
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      if (result.resultType === "error") {
        throw new AwsError("InternalFailure", `The AWS double could not evaluate ${action} on ${resource}: ${result.errors.message}`, 500);
      }
      const allowed = result.overallResult === "Allowed";
      record.push({ action, resource, allowed });
      if (!allowed) throw accessDenied(caller, action, resource, result.overallResult === "ExplicitlyDenied");
    }
  }
}

/** A request with a web identity token: the principal is the OIDC provider, and only the role's trust decides. */
export interface WebIdentityRequest {
  readonly providerArn: string;
  readonly roleArn: string;
  readonly roleAccount: string;
  readonly trustPolicy: Json;
  /** `<issuer>:sub`, `<issuer>:aud` and the token's other claims, as AWS builds them. */
  readonly context: ContextValues;
}

/**
 * Decides sts:AssumeRoleWithWebIdentity. The checked simulation keeps only
 * the condition keys the service authorization data lists for an action,
 * which names a few issuers' claims but not `<issuer>:aud` and `<issuer>:sub`
 * of every provider, so it would drop the very keys a CI trust checks. The
 * unchecked one evaluates the request as given; the double builds the
 * context itself, from a verified token.
 */
export function authorizeWebIdentity(request: WebIdentityRequest, record: Authorization[]): boolean {
  const allowed = webIdentityDecision(request) === "Allowed";
  record.push({ action: "sts:AssumeRoleWithWebIdentity", resource: request.roleArn, allowed });
  return allowed;
}

/** The simulator's decision on a web identity request: `Allowed`, `ImplicitlyDenied` or `ExplicitlyDenied`. */
export function webIdentityDecision(request: WebIdentityRequest): string {
  const action = "sts:AssumeRoleWithWebIdentity";
  return runUnsafeSimulation(
    {
      request: {
        principal: request.providerArn,
        action,
        resource: { resource: request.roleArn, accountId: request.roleAccount },
        contextVariables: request.context,
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: createValidatedPolicy(request.trustPolicy, validateTrustPolicy, { name: "trust-policy" }),
    },
    {},
  );
}

function accessDenied(caller: Caller, action: string, resource: string, explicit: boolean): AwsError {
  const because = explicit ? `with an explicit deny` : `because no identity-based policy allows the ${action} action`;
  const message = `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} ${because}`;
  return serviceOf(action) === "ec2"
    ? new AwsError("UnauthorizedOperation", `You are not authorized to perform this operation. ${message}`, 403)
    : new AwsError("AccessDenied", message, 403);
}
