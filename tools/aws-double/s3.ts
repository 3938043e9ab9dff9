import { AwsError, QueryParams, type Protocol, type XmlValue } from "./protocol";
import type { CallContext, Handler, Service } from "./service";

/**
 * AWS double (test double): the part of S3 that reading Terraform state
 * needs, `ListObjectsV2` and `GetObject`, over S3's REST protocol with
 * path-style addresses (`/bucket/key`, as the SDK uses for an IP endpoint).
 * Buckets belong to an account; a caller of another account is refused, as
 * AWS does without a bucket policy. Tests put objects in directly.
 */

const NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A rendered S3 answer: XML, or an object's bytes as they were stored. */
type S3Body = { readonly xml: string } | { readonly raw: string };

const isRecord = (value: XmlValue): value is { readonly [key: string]: XmlValue } =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

const restXml: Protocol = {
  namespace: NAMESPACE,
  render: (_action, result) => {
    const body: { readonly [key: string]: XmlValue } = isRecord(result) ? result : {};
    return typeof body.raw === "string" ? body.raw : `<?xml version="1.0" encoding="UTF-8"?>${String(body.xml)}`;
  },
  renderError: (error, requestId) =>
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${escape(error.code)}</Code><Message>${escape(error.message)}</Message><RequestId>${requestId}</RequestId></Error>`,
};

interface Bucket {
  readonly accountId: string;
  readonly objects: Map<string, { readonly body: string; readonly modified: Date }>;
}

export class S3Service implements Service {
  readonly signingName = "s3";
  readonly protocol = restXml;
  readonly handlers: Readonly<Record<string, Handler>>;
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly partition: string) {
    this.handlers = {
      ListObjectsV2: (c) => this.listObjects(c),
      GetObject: (c) => this.getObject(c),
    };
  }

  /** S3 names its operations by method and path: `GET /bucket?list-type=2`, `GET /bucket/key`. */
  route(method: string, url: URL): QueryParams {
    const [, bucket = "", ...rest] = decodeURIComponent(url.pathname).split("/");
    const key = rest.join("/");
    const values = new Map<string, string>([...url.searchParams.entries()]);
    values.set("Bucket", bucket);
    if (method === "GET" && key !== "") values.set("Action", "GetObject").set("Key", key);
    else if (method === "GET" && url.searchParams.get("list-type") === "2") values.set("Action", "ListObjectsV2");
    else values.set("Action", `${method} ${url.pathname}`);
    return new QueryParams(values);
  }

  createBucket(accountId: string, name: string): void {
    this.buckets.set(name, { accountId, objects: new Map() });
  }

  putObject(bucket: string, key: string, body: string): void {
    this.bucket(bucket).objects.set(key, { body, modified: new Date() });
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
    const bucket = this.bucket(name);
    await c.authorize("s3:ListBucket", [{ resource: `arn:${this.partition}:s3:::${name}`, context: { "s3:prefix": prefix } }], {
      resourceAccount: bucket.accountId,
    });
    const keys = [...bucket.objects.entries()].filter(([key]) => key.startsWith(prefix)).sort(([a], [b]) => a.localeCompare(b));
    const contents = keys
      .map(
        ([key, object]) =>
          `<Contents><Key>${escape(key)}</Key><LastModified>${object.modified.toISOString()}</LastModified><Size>${Buffer.byteLength(object.body)}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join("");
    return {
      xml: `<ListBucketResult xmlns="${NAMESPACE}"><Name>${escape(name)}</Name><Prefix>${escape(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
    };
  }

  private async getObject(c: CallContext): Promise<S3Body> {
    const name = c.params.required("Bucket");
    const key = c.params.required("Key");
    const bucket = this.bucket(name);
    await c.authorize("s3:GetObject", [{ resource: `arn:${this.partition}:s3:::${name}/${key}` }], { resourceAccount: bucket.accountId });
    const object = bucket.objects.get(key);
    if (!object) throw new AwsError("NoSuchKey", "The specified key does not exist.", 404);
    return { raw: object.body };
  }
}
