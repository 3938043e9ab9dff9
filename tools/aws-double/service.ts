import { randomBytes } from "node:crypto";
import type { Authorization, AuthorizeOptions, ResourceRequest } from "./authorizer";
import type { Caller } from "./identity";
import type { Protocol, QueryParams, XmlValue } from "./protocol";

/** AWS double (test double): what a service handler sees of one call. */
export interface CallContext {
  readonly caller: Caller;
  /** The request's headers, lower-case names (REST services read them: S3's If-None-Match). */
  readonly headers: Readonly<Record<string, string>>;
  /** The request's body as sent (S3's object bytes); query services read `params` instead. */
  readonly body: Buffer;
  /** The region of the request's signing scope (IAM: us-east-1). */
  readonly region: string;
  readonly params: QueryParams;
  readonly now: Date;
  /** Throws AWS's access-denied error unless the caller may do `action` on every resource. */
  authorize(action: string, resources: readonly ResourceRequest[], options?: AuthorizeOptions): Promise<void>;
}

/**
 * A REST answer that is not the protocol's XML: a status, headers and bytes
 * as they go on the wire (S3's objects, HEAD answers, ETags).
 */
export class RawResponse {
  constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly body: string | Buffer = "",
  ) {}
}

export type Handler = (context: CallContext) => Promise<XmlValue | RawResponse> | XmlValue | RawResponse;

/**
 * What a handler of an unsigned action sees: no caller, since the request
 * proves itself with a token (AssumeRoleWithWebIdentity), not a signature.
 */
export interface UnsignedCallContext {
  readonly region: string;
  readonly params: QueryParams;
  readonly now: Date;
  /** Where the handler records what it decided. */
  readonly authorizations: Authorization[];
}

export type UnsignedHandler = (context: UnsignedCallContext) => Promise<XmlValue> | XmlValue;

/** One AWS service of the double: its signing name, protocol and actions. */
export interface Service {
  /** The SigV4 signing name (`sts`, `iam`, `ec2`). */
  readonly signingName: string;
  readonly protocol: Protocol;
  readonly handlers: Readonly<Record<string, Handler>>;
  /** Actions AWS takes without a signature. @default - none */
  readonly unsignedHandlers?: Readonly<Record<string, UnsignedHandler>>;
  /** For REST services (S3): the action and parameters a method and path name. @default - the query protocol's `Action` */
  route?(method: string, url: URL): QueryParams;
  /** Resources this service holds, per account, for "nothing left behind" checks. */
  inventory(): Readonly<Record<string, readonly string[]>>;
}

/** A tag list from the query protocol's `Tags.member.N.Key/Value` (IAM, STS). */
export function memberTags(params: QueryParams, prefix = "Tags.member"): Record<string, string> {
  return Object.fromEntries(params.list(prefix).map((tag) => [tag.get("Key") ?? "", tag.get("Value") ?? ""]));
}

/** The request-tag context keys AWS builds from tags in a request. */
export function requestTagContext(tags: Readonly<Record<string, string>>): Record<string, string | string[]> {
  const keys = Object.keys(tags);
  if (keys.length === 0) return {};
  return { ...Object.fromEntries(keys.map((key) => [`aws:RequestTag/${key}`, tags[key]])), "aws:TagKeys": keys };
}

/** The resource-tag context keys of an existing resource. */
export function resourceTagContext(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value]));
}

/** `[{Key, Value}]` as responses carry tags. */
export const tagList = (tags: Readonly<Record<string, string>>, key = "Key", value = "Value") =>
  Object.entries(tags).map(([k, v]) => ({ [key]: k, [value]: v }));

/** A unique resource ID in AWS's shape: prefix and hex (`i-0a1b...`, `AROA...`). */
export function newId(prefix: string, length = 17, upper = false): string {
  const hex = randomBytes(Math.ceil(length / 2))
    .toString("hex")
    .slice(0, length);
  return `${prefix}${upper ? hex.toUpperCase() : hex}`;
}
