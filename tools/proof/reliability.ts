import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { FaultOptions } from "../aws-double/faults";
import { AwsError } from "../aws-double/protocol";
import { PROJECT_ROOT, TUTORIAL_PROFILES, Workspace, type RunResult, type RunOptions, type Script } from "./e2e";

/**
 * AWS's faults, end to end: the scenarios the end-to-end tests assert on and
 * `npm run reliability` records in docs/reliability.md. Each runs the real
 * workflow, Terraform and provider against the AWS double on the example
 * config, and returns what each step did and what AWS (the double) held
 * after it.
 */

type Json = Record<string, unknown>;
type State = { resources?: { type: string; instances: { attributes: { id?: string } }[] }[] };

/** One step of a scenario: the command, how it ended, and what the double held after it. */
export interface Step {
  readonly name: string;
  readonly result: RunResult;
  readonly seconds: number;
  /** Calls answered with a fault during the step, by kind. */
  readonly faults: Readonly<Record<string, number>>;
  /** Instances that exist (not terminated) after the step. */
  readonly instances: readonly string[];
  /** RunInstances answered with success (an answer lost on the way not counted), over the whole scenario so far. */
  readonly launches: number;
  /** Resources the double holds after the step, every service and account. */
  readonly left: readonly string[];
}

/** Something the scenario must show, and whether it did. */
export interface Check {
  readonly name: string;
  readonly held: boolean;
}

export interface Scenario {
  readonly fault: string;
  /** How often or when the fault struck. */
  readonly when: string;
  readonly steps: readonly Step[];
  /** What the outcome must be, each checked on what the steps saw. */
  readonly checks: readonly Check[];
}

const NO_CHANGES = /No changes\. Your infrastructure matches the configuration\./g;
/** A plan of both stacks that found nothing to change. */
const unchanged = (step: Step | undefined) => step?.result.code === 0 && (step.result.output.match(NO_CHANGES) ?? []).length === 2;
const check = (name: string, held: boolean): Check => ({ name, held });

const example = () => JSON.parse(readFileSync(join(PROJECT_ROOT, "config", "default.json"), "utf8")) as Json;

/** Where a scenario runs, and who hears of each step as it ends. */
export interface ScenarioOptions {
  /** The workspace under .terraform-work/. @default - reliability/<scenario> */
  readonly name?: string;
  /** Hears a line as each step ends. @default - nothing is said */
  readonly progress?: (line: string) => void;
}

/** Runs steps in a workspace and records each. */
class Recorder {
  readonly steps: Step[] = [];
  constructor(
    readonly ws: Workspace,
    private readonly progress: (line: string) => void,
  ) {}

  async step(name: string, script: Script, args: readonly string[] = [], options: RunOptions = {}): Promise<Step> {
    const before = this.ws.double.calls.length;
    const started = Date.now();
    const result = await this.ws.run(script, args, options);
    const seconds = (Date.now() - started) / 1000;
    const faults: Record<string, number> = {};
    for (const call of this.ws.double.calls.slice(before)) if (call.fault) faults[call.fault] = (faults[call.fault] ?? 0) + 1;
    const step: Step = {
      name,
      result,
      seconds,
      faults,
      instances: this.ws.double.ec2
        .instances()
        .filter((i) => i.state !== "terminated")
        .map((i) => i.id),
      launches: this.ws.double.calls.filter((c) => c.action === "RunInstances" && c.status === 200 && !c.fault).length,
      left: Object.values(this.ws.double.inventory()).flatMap((byAccount) => Object.values(byAccount).flat()),
    };
    this.steps.push(step);
    this.progress(`  ${name}: exit ${result.code} in ${seconds.toFixed(1)} s`);
    return step;
  }
}

async function inWorkspace<T>(
  options: ScenarioOptions & { readonly name: string },
  config: Json,
  faults: FaultOptions | undefined,
  body: (recorder: Recorder) => Promise<T>,
): Promise<T> {
  const ws = await Workspace.open(options.name, config, { profiles: [...TUTORIAL_PROFILES], faults });
  try {
    return await body(new Recorder(ws, options.progress ?? (() => undefined)));
  } finally {
    await ws.close();
  }
}

/** Throttling, server errors and cut connections on a share of the calls: deploy, plan again, destroy. */
export function transientFaults(faults: FaultOptions, options: ScenarioOptions = {}): Promise<Scenario & { readonly calls: number }> {
  return inWorkspace({ name: `reliability/faults-${faults.rate}`, ...options }, example(), faults, async (run) => {
    const deploy = await run.step("deploy", "deploy", ["--auto-approve"]);
    const again = await run.step("plan again", "diff");
    const destroy = await run.step("destroy", "destroy", ["--auto-approve"]);
    return {
      fault: faults.rate > 0 ? "throttling, server errors and connection resets, in turn" : "none (the control)",
      when: `${faults.rate * 100}% of the calls (seed ${faults.seed ?? 1})`,
      steps: run.steps,
      calls: run.ws.double.calls.length,
      checks: [
        check("the deploy converged, with one instance", deploy.result.code === 0 && deploy.launches === 1 && deploy.instances.length === 1),
        check("a plan then found no changes in either stack", unchanged(again)),
        check("the destroy left nothing", destroy.result.code === 0 && destroy.left.length === 0),
      ],
    };
  });
}

/** Where the state-write scenario keeps its states. */
export const STATE_BUCKET = "tf-state-recovery";
export const STATE_PREFIX = "assume-role";

/** What the state-write scenario saw of the states, besides its steps. */
export interface StateWriteScenario extends Scenario {
  /** Instance IDs in the unsaved state the workflow kept, after the failed deploy. */
  readonly keptInstanceIds: readonly string[];
  /** Whether the failed stack folder still held errored.tfstate after the run (it must not: a synth replaces it). */
  readonly leftInStackFolder: boolean;
  /** After recover: the instance IDs in the EC2 stack's state in S3, the roles in the IAM stack's, the files in recovery/. */
  readonly recovered: { readonly instanceIds: readonly string[]; readonly roles: readonly string[]; readonly files: readonly string[] };
}

/**
 * S3 refuses every write of the EC2 stack's state while its first deploy runs, so the instance exists and the
 * backend does not know it; then deploy and plan again (both must refuse the stack), recover, plan again, destroy.
 */
export function refusedStateWrite(options: ScenarioOptions = {}): Promise<StateWriteScenario> {
  const ec2State = `${STATE_PREFIX}/destination-ec2.tfstate`;
  const config = { ...example(), backend: { type: "s3", bucket: STATE_BUCKET, keyPrefix: STATE_PREFIX, region: "us-east-2", usePathStyle: true } };
  return inWorkspace({ name: "reliability/state-write", ...options }, config, undefined, async (run) => {
    const { ws } = run;
    const s3 = new S3Client({ region: "us-east-2", endpoint: ws.double.url, credentials: ws.double.profiles.source, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: STATE_BUCKET }));
    const ids = (state: State, type: string) =>
      (state.resources ?? []).filter((r) => r.type === type).flatMap((r) => r.instances.map((i) => i.attributes.id ?? ""));
    const stored = (key: string) => JSON.parse(ws.double.s3.objectText(STATE_BUCKET, key) ?? "{}") as State;
    const kept = join(ws.dir, "recovery", "destination-ec2.errored.tfstate");

    const lift = ws.double.injectTargetedFault({
      matches: (call) => call.action === "PutObject" && call.params.get("Key") === ec2State,
      error: new AwsError("AccessDenied", "Access Denied", 403),
    });
    const failed = await run.step("deploy, the EC2 state write refused", "deploy", ["--auto-approve"]);
    lift();
    const keptInstanceIds = existsSync(kept) ? ids(JSON.parse(readFileSync(kept, "utf8")) as State, "aws_instance") : [];
    const leftInStackFolder = existsSync(join(ws.dir, "cdktf.out", "stacks", "destination-ec2", "errored.tfstate"));
    const refused = [await run.step("deploy again", "deploy", ["--auto-approve"]), await run.step("plan", "plan")];
    const recover = await run.step("recover", "recover", ["destination-ec2"]);
    const recovered = {
      instanceIds: ids(stored(ec2State), "aws_instance"),
      roles: ids(stored(`${STATE_PREFIX}/destination-iam.tfstate`), "aws_iam_role"),
      files: existsSync(join(ws.dir, "recovery")) ? readdirSync(join(ws.dir, "recovery")) : [],
    };
    const again = await run.step("plan again", "diff");
    await run.step("recover again", "recover", ["destination-ec2"]);
    const destroy = await run.step("destroy", "destroy", ["--auto-approve"]);
    return {
      checks: [
        check(
          "the stack failed, its unsaved state (holding the instance) kept out of cdktf.out",
          failed.result.code === 1 && keptInstanceIds.length === 1 && keptInstanceIds[0] === failed.instances[0] && !leftInStackFolder,
        ),
        check(
          "deploy and plan then refused the stack, launching nothing",
          refused.every(
            (step) => step.result.code === 1 && /destination-ec2: refused: Terraform could not save/.test(step.result.output) && step.launches === 1,
          ),
        ),
        check(
          "recover pushed it back: the backend holds every resource AWS does",
          recover.result.code === 0 && recovered.instanceIds.join() === recover.instances.join() && recovered.roles.length === 1,
        ),
        check("a plan then found no changes in either stack", unchanged(again)),
        check(
          "the destroy left nothing but the state bucket",
          destroy.result.code === 0 && destroy.left.every((arn) => arn.startsWith(`${STATE_BUCKET}/`)),
        ),
      ],
      fault: "a state write S3 refuses (AccessDenied) after the resources were created",
      when: "every write of the EC2 stack's state during its first deploy",
      steps: run.steps,
      keptInstanceIds,
      leftInStackFolder,
      recovered,
    };
  });
}

/**
 * The source profile's credentials expire the moment the EC2 stack starts, after its IAM stack was applied;
 * renewed, the same deploy runs again; then destroy.
 */
export function expiringCredentials(options: ScenarioOptions = {}): Promise<Scenario> {
  return inWorkspace({ name: "reliability/expired-credentials", ...options }, example(), undefined, async (run) => {
    let renew: (() => void) | undefined;
    const expired = await run.step("deploy, the source credentials expiring as the EC2 stack starts", "deploy", ["--auto-approve"], {
      onLine: (line) => {
        if (!renew && /^destination-ec2: deploy started/.test(line)) renew = run.ws.double.expireCredentials("source");
      },
    });
    renew?.();
    const again = await run.step("deploy again, renewed", "deploy", ["--auto-approve"]);
    const destroy = await run.step("destroy", "destroy", ["--auto-approve"]);
    const output = expired.result.output;
    return {
      fault: "credentials that expire during the run (ExpiredToken)",
      when: "the source profile's, as the EC2 stack starts",
      steps: run.steps,
      checks: [
        check(
          "the EC2 stack failed at once, saying the credentials expired and what to do",
          expired.result.code === 1 &&
            /destination-ec2: failed: the AWS credentials expired during the run/.test(output) &&
            !output.includes("the role cannot be assumed yet"),
        ),
        check(
          "renewed, the same deploy converged with one instance",
          again.result.code === 0 && again.launches === 1 && again.instances.length === 1,
        ),
        check("the destroy left nothing", destroy.result.code === 0 && destroy.left.length === 0),
      ],
    };
  });
}

/** The address and import ID the workflow gives for the IAM stack's role, and the command it names. */
const ROLE_ADDRESS = "aws_iam_role.role";
const ROLE_NAME = "cdktf-assume-role-ec2";

/**
 * AWS acts on a call and its answer is lost on the way (the connection cut after the effect): RunInstances in the
 * first deploy (its ClientToken makes the retry safe); then, in a new deploy, CreateRole, which is not idempotent:
 * the workflow names the import that adopts the role, and after it the deploy converges.
 */
export function lostAnswers(options: ScenarioOptions = {}): Promise<Scenario> {
  return inWorkspace({ name: "reliability/lost-answers", ...options }, example(), undefined, async (run) => {
    const lose = (action: string) => run.ws.double.injectTargetedFault({ matches: (call) => call.action === action, lostResponse: true, times: 1 });
    lose("RunInstances");
    const launch = await run.step("deploy, the RunInstances answer lost", "deploy", ["--auto-approve"]);
    const runs = run.ws.double.calls.filter((c) => c.action === "RunInstances");
    const again = await run.step("plan again", "diff");
    const destroy = await run.step("destroy", "destroy", ["--auto-approve"]);
    lose("CreateRole");
    const lostRole = await run.step("deploy, the CreateRole answer lost", "deploy", ["--auto-approve"]);
    const adopt = await run.step("import the role", "import", ["destination-iam", ROLE_ADDRESS, ROLE_NAME]);
    const adopted = await run.step("deploy again", "deploy", ["--auto-approve"]);
    const last = await run.step("destroy again", "destroy", ["--auto-approve"]);
    const importCommand = `npm run import -- destination-iam ${ROLE_ADDRESS} ${ROLE_NAME}`;
    return {
      fault: "an answer lost after AWS acted (the connection cut after the effect)",
      when: "the first RunInstances; then the first CreateRole of a new deploy",
      steps: run.steps,
      checks: [
        check(
          "the lost launch converged on one instance: the retry carried the same ClientToken, and EC2 answered with the first launch",
          launch.result.code === 0 && launch.instances.length === 1 && runs.length === 2 && runs[0].params.ClientToken === runs[1].params.ClientToken,
        ),
        check("a plan then found no changes in either stack", unchanged(again)),
        check("the destroy left nothing", destroy.result.code === 0 && destroy.left.length === 0),
        check(
          "the lost CreateRole failed the IAM stack with the role in AWS, naming the import that adopts it",
          lostRole.result.code === 1 &&
            lostRole.left.some((arn) => arn.endsWith(`:role/${ROLE_NAME}`)) &&
            lostRole.result.output.includes(importCommand),
        ),
        check(
          "after the import, the deploy converged with that one role and one instance",
          adopt.result.code === 0 && adopted.result.code === 0 && adopted.instances.length === 1,
        ),
        check("the destroy left nothing", last.result.code === 0 && last.left.length === 0),
      ],
    };
  });
}
