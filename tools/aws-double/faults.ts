import { AwsError } from "./protocol";

/**
 * AWS double (test double): the transient faults AWS answers now and then,
 * so that a run can show it rides them out: throttling, a server error, a
 * connection reset. A fault is answered before the call is carried out, as
 * AWS throttles a request before it acts on it: the call has no effect, and
 * a retry of it is safe. The one exception is a targeted lost response: AWS
 * acted, and the caller never hears so.
 */
export type FaultKind = "throttle" | "server-error" | "reset";
export const FAULT_KINDS: readonly FaultKind[] = ["throttle", "server-error", "reset"];

export interface FaultOptions {
  /** Share of the calls answered with a fault, from 0 to 1. */
  readonly rate: number;
  /** Seed of the generator that picks which calls fail and how, so that a run can be repeated. @default 1 */
  readonly seed?: number;
  /** @default every kind: throttle, server-error, reset */
  readonly kinds?: readonly FaultKind[];
}

/**
 * Each service's answer to a caller going too fast, and to a fault of its
 * own, as AWS documents them: EC2's RequestLimitExceeded and S3's SlowDown
 * come with 503, IAM's and STS's Throttling with 400.
 */
const ANSWERS: Readonly<Record<string, Readonly<Record<Exclude<FaultKind, "reset">, readonly [string, number, string]>>>> = {
  ec2: {
    throttle: ["RequestLimitExceeded", 503, "Request limit exceeded."],
    "server-error": ["InternalError", 500, "An internal error has occurred"],
  },
  iam: { throttle: ["Throttling", 400, "Rate exceeded"], "server-error": ["ServiceUnavailable", 503, "Service is unavailable"] },
  sts: { throttle: ["Throttling", 400, "Rate exceeded"], "server-error": ["InternalFailure", 500, "An internal error occurred"] },
  s3: {
    throttle: ["SlowDown", 503, "Please reduce your request rate."],
    "server-error": ["InternalError", 500, "We encountered an internal error. Please try again."],
  },
};

/** A fault to answer: an AWS error, or a connection cut with no answer. */
export type Fault = { readonly kind: "reset" } | { readonly kind: Exclude<FaultKind, "reset">; readonly error: AwsError };

/** mulberry32: small, fast and seedable; enough to spread faults evenly and repeat them. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Problems with fault options, each naming the option, the value and what is allowed. */
export function faultOptionProblems(options: FaultOptions): string[] {
  const problems: string[] = [];
  if (!(Number.isFinite(options.rate) && options.rate >= 0 && options.rate <= 1))
    problems.push(`fault rate: got ${options.rate}; must be a share of the calls from 0 to 1 (0.05: one call in twenty)`);
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) problems.push(`fault seed: got ${options.seed}; must be a whole number`);
  const unknown = (options.kinds ?? []).filter((kind) => !FAULT_KINDS.includes(kind));
  if (unknown.length > 0) problems.push(`fault kinds: got ${unknown.join(", ")}; must be among ${FAULT_KINDS.join(", ")}`);
  if (options.kinds?.length === 0) problems.push(`fault kinds: got none; name at least one of ${FAULT_KINDS.join(", ")}`);
  return problems;
}

/** Decides, call by call, whether the double answers with a fault. */
export class FaultInjector {
  private readonly random: () => number;
  private readonly kinds: readonly FaultKind[];
  private faulted = 0;

  constructor(private readonly options: FaultOptions) {
    const problems = faultOptionProblems(options);
    if (problems.length > 0) throw new Error(`Invalid fault options: ${problems.join("; ")}`);
    this.random = generator(options.seed ?? 1);
    this.kinds = options.kinds ?? FAULT_KINDS;
  }

  /**
   * The fault for the next call to `service`, if this one gets one. Which
   * calls fail is drawn; the kind goes round the kinds in turn, so that any
   * three faults show all three.
   */
  next(service: string): Fault | undefined {
    const answers = ANSWERS[service];
    if (!answers || this.random() >= this.options.rate) return undefined;
    const kind = this.kinds[this.faulted++ % this.kinds.length];
    if (kind === "reset") return { kind };
    const [code, status, message] = answers[kind];
    return { kind, error: new AwsError(code, message, status) };
  }
}

/** What a targeted fault sees of a call, to decide whether it is one of its own. */
export interface TargetedCall {
  readonly service: string;
  readonly action: string;
  /** The access key the call was signed with: a profile's, or a session's. */
  readonly accessKeyId: string;
  readonly params: { get(name: string): string | undefined };
}

/**
 * A fault aimed at chosen calls, as a test sets one up: a state write that S3
 * refuses once the resources exist, credentials that expire in the middle of
 * a run, an answer lost after AWS acted. Unlike the drawn faults, it answers every matching call until it is
 * lifted, or its first `times` ones.
 */
export type TargetedFault = {
  /** Which calls it answers. */
  readonly matches: (call: TargetedCall) => boolean;
  /** @default every matching call, until lifted */
  readonly times?: number;
} & (
  | {
      /** What AWS answers them, before acting. */
      readonly error: AwsError;
    }
  | {
      /**
       * AWS acts on the call, and its answer is lost on the way: the connection is cut after the effect. The caller
       * cannot tell it from a reset before the call, so its retry meets what the first call did.
       */
      readonly lostResponse: true;
    }
);

/** What a targeted fault does to a call it takes: answers an error before acting, or acts and loses the answer. */
export type TargetedAnswer = { readonly error: AwsError } | { readonly lostResponse: true };

/** The targeted faults in force, answered in the order they were set. */
export class TargetedFaults {
  private readonly armed: { fault: TargetedFault; left: number }[] = [];

  /** Sets `fault`; the function returned lifts it. */
  add(fault: TargetedFault): () => void {
    const entry = { fault, left: fault.times ?? Number.POSITIVE_INFINITY };
    this.armed.push(entry);
    return () => {
      const at = this.armed.indexOf(entry);
      if (at >= 0) this.armed.splice(at, 1);
    };
  }

  /** What happens to this call, if a fault in force takes it. */
  next(call: TargetedCall): TargetedAnswer | undefined {
    const entry = this.armed.find((e) => e.left > 0 && e.fault.matches(call));
    if (!entry) return undefined;
    entry.left -= 1;
    return "error" in entry.fault ? { error: entry.fault.error } : { lostResponse: true };
  }
}

/** STS's and every service's answer to a request signed with session credentials past their expiry. */
export const expiredToken = () => new AwsError("ExpiredToken", "The security token included in the request is expired", 400);
