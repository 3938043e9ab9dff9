import { AwsError, QueryParams, type Protocol, type XmlValue } from "./protocol";
import { createHash } from "node:crypto";
import { RawResponse, type CallContext, type Handler, type Service } from "./service";

/**
 * AWS double (test double): the part of S3 that Terraform's S3 backend and
 * the workflow use, over S3's REST protocol with path-style addresses
 * (`/bucket/key`): CreateBucket, HeadBucket, ListObjectsV2, GetObject,
 * HeadObject, PutObject (with `If-None-Match: *`, answering 412 when the
 * object exists, which `use_lockfile` relies on, and `If-Match`) and
 * DeleteObject, each authorized with the caller's policies. Buckets belong to
 * the account that created them; a caller of another account is refused, as
 * AWS does without a bucket policy. Bodies sent with the SDKs' aws-chunked
 * encoding are decoded.
 */

const NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A rendered S3 answer in XML (objects and HEAD answers go out as RawResponse). */
type S3Body = { readonly xml: string };

const isRecord = (value: XmlValue): value is { readonly [key: string]: XmlValue } =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

const restXml: Protocol = {
  namespace: NAMESPACE,
  render: (_action, result) => {
    const body: { readonly [key: string]: XmlValue } = isRecord(result) ? result : {};
    return `<?xml version="1.0" encoding="UTF-8"?>${String(body.xml)}`;
  },
  renderError: (error, requestId) =>
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${escape(error.code)}</Code><Message>${escape(error.message)}</Message><RequestId>${requestId}</RequestId></Error>`,
};

interface StoredObject {
  readonly body: Buffer;
  readonly modified: Date;
  readonly etag: string;
}

interface Bucket {
  readonly accountId: string;
  readonly objects: Map<string, StoredObject>;
}

/** S3's general purpose bucket naming rules (the ones a name can break by its shape). */
const BUCKET_NAME = /^(?!xn--|sthree-|amzn-s3-demo-)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The payload of a body sent with `Content-Encoding: aws-chunked` (the AWS
 * SDKs' streaming uploads, with or without chunk signatures and trailing
 * checksums): `<hex size>[;chunk-signature=...]\r\n<bytes>\r\n`... until a
 * chunk of size 0, then trailers.
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString("latin1").split(";")[0], 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

const etagOf = (body: Buffer) => `"${createHash("md5").update(body).digest("hex")}"`;

export class S3Service implements Service {
  readonly signingName = "s3";
  readonly protocol = restXml;
  readonly handlers: Readonly<Record<string, Handler>>;
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly partition: string) {
    this.handlers = {
      CreateBucket: (c) => this.createBucketCall(c),
      HeadBucket: (c) => this.headBucket(c),
      ListObjectsV2: (c) => this.listObjects(c),
      GetObject: (c) => this.getObject(c, false),
      HeadObject: (c) => this.getObject(c, true),
      PutObject: (c) => this.putObjectCall(c),
      DeleteObject: (c) => this.deleteObject(c),
    };
  }

  /** S3 names its operations by method and path: `GET /bucket?list-type=2`, `GET /bucket/key`. */
  route(method: string, url: URL): QueryParams {
    const [, bucket = "", ...rest] = decodeURIComponent(url.pathname).split("/");
    const key = rest.join("/");
    const values = new Map<string, string>([...url.searchParams.entries()]);
    values.set("Bucket", bucket);
    const plain = [...url.searchParams.keys()].filter((name) => name !== "x-id").length === 0;
    const action =
      key !== ""
        ? plain && { GET: "GetObject", HEAD: "HeadObject", PUT: "PutObject", DELETE: "DeleteObject" }[method]
        : method === "GET" && url.searchParams.get("list-type") === "2"
          ? "ListObjectsV2"
          : plain && { PUT: "CreateBucket", HEAD: "HeadBucket" }[method];
    if (key !== "") values.set("Key", key);
    values.set("Action", action || `${method} ${url.pathname}${url.search}`);
    return new QueryParams(values);
  }

  createBucket(accountId: string, name: string): void {
    this.buckets.set(name, { accountId, objects: new Map() });
  }

  putObject(bucket: string, key: string, body: string): void {
    const bytes = Buffer.from(body);
    this.bucket(bucket).objects.set(key, { body: bytes, modified: new Date(), etag: etagOf(bytes) });
  }

  /** Removes an object as its owner would (a stale lock, say), outside any caller's policies. */
  deleteObjectDirect(bucket: string, key: string): void {
    this.bucket(bucket).objects.delete(key);
  }

  /** An object's text, as a test reads it back. @returns undefined when there is none */
  objectText(bucket: string, key: string): string | undefined {
    return this.buckets.get(bucket)?.objects.get(key)?.body.toString("utf8");
  }

  inventory(): Record<string, string[]> {
    const byAccount: Record<string, string[]> = {};
    for (const [name, bucket] of this.buckets)
      (byAccount[bucket.accountId] ??= []).push(...[...bucket.objects.keys()].map((key) => `${name}/${key}`));
    return byAccount;
  }

  private bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new AwsError("NoSuchBucket", "The specified bucket does not exist", 404);
    return bucket;
  }

  private async listObjects(c: CallContext): Promise<S3Body> {
    const name = c.params.required("Bucket");
    const prefix = c.params.get("prefix") ?? "";
    const delimiter = c.params.get("delimiter");
    const bucket = this.bucket(name);
    await c.authorize("s3:ListBucket", [{ resource: `arn:${this.partition}:s3:::${name}` }], {
      resourceAccount: bucket.accountId,
    });
    const matching = [...bucket.objects.entries()].filter(([key]) => key.startsWith(prefix)).sort(([a], [b]) => a.localeCompare(b));
    // With a delimiter, keys below the next one roll up into a common prefix (how S3 lists "folders").
    const rolled = (key: string) =>
      delimiter && key.indexOf(delimiter, prefix.length) >= 0 ? key.slice(0, key.indexOf(delimiter, prefix.length) + delimiter.length) : undefined;
    const keys = matching.filter(([key]) => rolled(key) === undefined);
    const prefixes = [...new Set(matching.map(([key]) => rolled(key)).filter((p): p is string => p !== undefined))];
    const contents = keys
      .map(
        ([key, object]) =>
          `<Contents><Key>${escape(key)}</Key><LastModified>${object.modified.toISOString()}</LastModified><ETag>${escape(object.etag)}</ETag><Size>${object.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join("");
    const common = prefixes.map((p) => `<CommonPrefixes><Prefix>${escape(p)}</Prefix></CommonPrefixes>`).join("");
    return {
      xml: `<ListBucketResult xmlns="${NAMESPACE}"><Name>${escape(name)}</Name><Prefix>${escape(prefix)}</Prefix>${delimiter ? `<Delimiter>${escape(delimiter)}</Delimiter>` : ""}<KeyCount>${keys.length + prefixes.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}${common}</ListBucketResult>`,
    };
  }

  private objectArn = (bucket: string, key: string) => `arn:${this.partition}:s3:::${bucket}/${key}`;

  private async createBucketCall(c: CallContext): Promise<RawResponse> {
    const name = c.params.required("Bucket");
    if (!BUCKET_NAME.test(name) || name.includes("..")) throw new AwsError("InvalidBucketName", "The specified bucket is not valid.", 400);
    await c.authorize("s3:CreateBucket", [{ resource: `arn:${this.partition}:s3:::${name}` }]);
    const existing = this.buckets.get(name);
    if (existing?.accountId === c.caller.accountId)
      throw new AwsError("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", 409);
    if (existing) throw new AwsError("BucketAlreadyExists", "The requested bucket name is not available.", 409);
    this.createBucket(c.caller.accountId, name);
    return new RawResponse(200, { location: `/${name}` });
  }

  private async headBucket(c: CallContext): Promise<RawResponse> {
    const name = c.params.required("Bucket");
    const bucket = this.bucket(name);
    await c.authorize("s3:ListBucket", [{ resource: `arn:${this.partition}:s3:::${name}` }], { resourceAccount: bucket.accountId });
    return new RawResponse(200, { "x-amz-bucket-region": c.region });
  }

  private async getObject(c: CallContext, head: boolean): Promise<RawResponse> {
    const name = c.params.required("Bucket");
    const key = c.params.required("Key");
    const bucket = this.bucket(name);
    await c.authorize("s3:GetObject", [{ resource: this.objectArn(name, key) }], { resourceAccount: bucket.accountId });
    const object = bucket.objects.get(key);
    if (!object) throw new AwsError(head ? "NotFound" : "NoSuchKey", "The specified key does not exist.", 404);
    const headers = {
      "content-type": "application/octet-stream",
      etag: object.etag,
      "last-modified": object.modified.toUTCString(),
      "content-length": String(object.body.length),
    };
    return new RawResponse(200, headers, head ? Buffer.alloc(0) : object.body);
  }

  private async putObjectCall(c: CallContext): Promise<RawResponse> {
    const name = c.params.required("Bucket");
    const key = c.params.required("Key");
    const bucket = this.bucket(name);
    await c.authorize("s3:PutObject", [{ resource: this.objectArn(name, key) }], { resourceAccount: bucket.accountId });
    const existing = bucket.objects.get(key);
    // Conditional writes: what S3-native state locking (use_lockfile) relies on.
    const noneMatch = c.headers["if-none-match"];
    const match = c.headers["if-match"];
    if ((noneMatch === "*" && existing) || (match !== undefined && existing?.etag !== match))
      throw new AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412);
    const chunked =
      (c.headers["content-encoding"] ?? "").includes("aws-chunked") || (c.headers["x-amz-content-sha256"] ?? "").startsWith("STREAMING-");
    const body = chunked ? decodeAwsChunked(c.body) : c.body;
    const stored = { body, modified: new Date(), etag: etagOf(body) };
    bucket.objects.set(key, stored);
    return new RawResponse(200, { etag: stored.etag });
  }

  private async deleteObject(c: CallContext): Promise<RawResponse> {
    const name = c.params.required("Bucket");
    const key = c.params.required("Key");
    const bucket = this.bucket(name);
    await c.authorize("s3:DeleteObject", [{ resource: this.objectArn(name, key) }], { resourceAccount: bucket.accountId });
    bucket.objects.delete(key);
    return new RawResponse(204);
  }
}
