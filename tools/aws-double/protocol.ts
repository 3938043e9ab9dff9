/**
 * AWS double (test double): the query protocol that STS, IAM and EC2 speak.
 * Requests are form-encoded `Action=...&Param=...`; responses are XML, with
 * lists as `<member>` (STS, IAM) or `<item>` (EC2) elements.
 */

/** A value rendered as XML: text, nested elements, or a list of items. */
export type XmlValue = string | number | boolean | undefined | null | Date | readonly XmlValue[] | { readonly [key: string]: XmlValue };

/** The request parameters of one call, with the query protocol's list and map conventions. */
export class QueryParams {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  static parse(body: string): QueryParams {
    return new QueryParams(new Map(new URLSearchParams(body).entries()));
  }

  get action(): string {
    return this.values.get("Action") ?? "";
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** A parameter the action cannot do without, as AWS's ValidationError reports it. */
  required(name: string): string {
    const value = this.values.get(name);
    if (value === undefined)
      throw new AwsError(
        "ValidationError",
        `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
      );
    return value;
  }

  int(name: string): number | undefined {
    const value = this.values.get(name);
    return value === undefined ? undefined : Number(value);
  }

  bool(name: string): boolean | undefined {
    const value = this.values.get(name);
    return value === undefined ? undefined : value === "true";
  }

  /**
   * The indexed entries under a prefix: `Tags.member.1.Key` (IAM, STS) or
   * `TagSpecification.1.Tag.1.Key` (EC2), as sub-parameter views.
   */
  list(prefix: string): QueryParams[] {
    const byIndex = new Map<number, Map<string, string>>();
    const pattern = new RegExp(`^${prefix.replace(/\./g, "\\.")}\\.(\\d+)(?:\\.(.*))?$`);
    for (const [key, value] of this.values) {
      const match = pattern.exec(key);
      if (!match) continue;
      const index = Number(match[1]);
      const entry = byIndex.get(index) ?? new Map<string, string>();
      entry.set(match[2] ?? "", value);
      byIndex.set(index, entry);
    }
    return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entry]) => new QueryParams(entry));
  }

  /** Plain string list: `SecurityGroupId.1`, `Filter.1.Value.1`, `PolicyArns.member.1`. */
  strings(prefix: string): string[] {
    return this.list(prefix).map((entry) => entry.get("") ?? "");
  }

  /** A sub-structure: `MetadataOptions.HttpTokens` → view with `HttpTokens`. */
  struct(prefix: string): QueryParams {
    const entries = [...this.values]
      .filter(([key]) => key.startsWith(`${prefix}.`))
      .map(([key, value]): [string, string] => [key.slice(prefix.length + 1), value]);
    return new QueryParams(new Map(entries));
  }

  get size(): number {
    return this.values.size;
  }

  entries(): [string, string][] {
    return [...this.values];
  }
}

/** An error answered as AWS would: its code, message and HTTP status. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "AwsError";
  }
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function text(value: string | number | boolean | Date): string {
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, "Z");
  return escape(String(value));
}

/** Renders a value as XML elements; `itemTag` names list entries. */
export function toXml(value: XmlValue, itemTag: "member" | "item"): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((entry) => `<${itemTag}>${toXml(entry, itemTag)}</${itemTag}>`).join("");
  if (typeof value === "object" && !(value instanceof Date)) {
    return Object.entries(value as Record<string, XmlValue>)
      .filter(([, child]) => child !== undefined && child !== null)
      .map(([key, child]) => `<${key}>${toXml(child, itemTag)}</${key}>`)
      .join("");
  }
  return text(value as string | number | boolean | Date);
}

/** The two flavours of the query protocol. */
export interface Protocol {
  readonly namespace: string;
  render(action: string, result: XmlValue, requestId: string): string;
  renderError(error: AwsError, requestId: string): string;
}

/** STS and IAM: `<XResponse><XResult>...</XResult><ResponseMetadata/></XResponse>`. */
export function awsQuery(namespace: string): Protocol {
  return {
    namespace,
    render: (action, result, requestId) =>
      `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="${namespace}">${
        result === undefined ? "" : `<${action}Result>${toXml(result, "member")}</${action}Result>`
      }<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    renderError: (error, requestId) =>
      `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${escape(error.code)}</Code><Message>${escape(
        error.message,
      )}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

/** EC2: no Result wrapper, `<item>` lists, `<Response><Errors>` errors. */
export const ec2Query: Protocol = {
  namespace: "http://ec2.amazonaws.com/doc/2016-11-15/",
  render: (action, result, requestId) =>
    `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId}</requestId>${toXml(
      result,
      "item",
    )}</${action}Response>`,
  renderError: (error, requestId) =>
    `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${escape(error.code)}</Code><Message>${escape(
      error.message,
    )}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
};

/** `*` and `?` wildcards, as EC2 filters and IAM ARNs use them. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return regex.test(value);
}
