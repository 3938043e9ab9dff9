import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig } from "../lib/config";
import { synthesizeApp } from "../app";
import { DEFAULT_CONCURRENCY } from "../tools/operations/workflow";
import { PROJECT_ROOT, Workspace, type RunResult } from "../tools/proof/e2e";
import { providerSource } from "../tools/terraform/providers";
import { runTerraform, TERRAFORM_GOGC } from "../tools/terraform/run";
import { benchOptions } from "./bench-options";
import { runScript } from "./entry";

/**
 * `npm run bench [-- --runs N] [--synth-only | --deploy-only [--sizes 1,10]] [--write]`: synth time and peak
 * memory as destinations grow, beside the CDKTF template's defaults; then the
 * deploy path against the AWS double: deploy, a second deploy with no
 * changes, and destroy, for 1 and 10 destinations, the workflow beside plain
 * Terraform on the same stacks in the same run (and cdktf's own
 * `deploy '*'`). Prints each case as it starts and ends; writes
 * docs/benchmarks.md only with --write.
 */
const WORK = resolve(PROJECT_ROOT, ".terraform-work", "bench");
const SIZES = [1, 10, 50, 100];

interface Sample {
  readonly seconds: number;
  readonly peakMb: number;
}

// Peak RSS of the child itself, written at exit (Node has no per-child rusage).
const RSS_REPORTER = join(WORK, "report-rss.cjs");

function measure(args: string[], configPath: string, outdir: string): Sample {
  const rssFile = join(WORK, "rss.txt");
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["-r", RSS_REPORTER, ...args], {
    encoding: "utf8",
    env: { ...process.env, ASSUME_ROLE_CONFIG: configPath, CDKTF_OUTDIR: outdir, BENCH_RSS_FILE: rssFile },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  return { seconds, peakMb: Number(readFileSync(rssFile, "utf8")) / 1024 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface SynthRow {
  readonly label: string;
  readonly seconds: number;
  readonly peakMb: number;
  readonly min: number;
  readonly max: number;
  readonly stacks: number;
}

function series(label: string, args: string[], configPath: string, expectedStacks: number, runs: number): SynthRow {
  console.log(`${label}: started (a warm-up run, then ${runs} measured)`);
  const outdir = join(WORK, "cdktf.out");
  measure(args, configPath, outdir); // warm the file cache; not counted
  const samples = Array.from({ length: runs }, (_, i) => {
    const sample = measure(args, configPath, outdir);
    console.log(`  run ${i + 1} of ${runs}: ${sample.seconds.toFixed(2)} s`);
    return sample;
  });
  // A baseline that exits early would look fast: count what each run really wrote.
  const stacks = Object.keys((JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: object }).stacks).length;
  if (stacks !== expectedStacks) throw new Error(`${label} wrote ${stacks} stacks, expected ${expectedStacks}`);
  const seconds = samples.map((s) => s.seconds);
  const row = {
    label,
    seconds: median(seconds),
    peakMb: Math.max(...samples.map((s) => s.peakMb)),
    min: Math.min(...seconds),
    max: Math.max(...seconds),
    stacks,
  };
  console.log(`${label}: median ${row.seconds.toFixed(2)} s (${row.min.toFixed(2)}-${row.max.toFixed(2)}), peak ${row.peakMb.toFixed(0)} MB`);
  return row;
}

type Json = Record<string, unknown>;

function destinationsFor(size: number): Json[] {
  return Array.from({ length: size }, (_, i) => ({
    name: `dest-${String(i + 1).padStart(2, "0")}`,
    accountId: String(222222222222 + i * 1111),
    profile: `dest-${i + 1}`,
  }));
}

interface DeployRow {
  readonly label: string;
  readonly deploy: number;
  readonly again: number;
  readonly destroy: number;
}

async function timed(label: string, run: () => Promise<RunResult>): Promise<number> {
  console.log(`${label}: started`);
  const started = Date.now();
  const result = await run();
  const seconds = (Date.now() - started) / 1000;
  if (result.code !== 0) throw new Error(`${label} failed:\n${result.output.split("\n").slice(-30).join("\n")}`);
  console.log(`${label}: ${seconds.toFixed(1)} s`);
  return seconds;
}

/**
 * Terraform by hand on the synthesized stacks, as HashiCorp's CI guidance runs
 * them, in each stack folder; an EC2 stack after its IAM stack (before it, for
 * destroy), at most DEFAULT_CONCURRENCY Terraform processes at once.
 * - `plain`: `init` + `apply -auto-approve`, then `plan -detailed-exitcode` (deploy again), then `apply -destroy`;
 * - `reviewed`: the flow a review and a policy check need, as Atlantis with a policy check or a CI job with conftest
 *   runs it: `init`, `plan -out -detailed-exitcode`, `show -json` of the plan (what the policy reads), `apply <plan>`;
 *   again: the same plan, which finds nothing; destroy: `plan -destroy -out`, `show -json`, `apply <plan>`.
 */
async function byHand(
  ws: Workspace,
  destinations: readonly string[],
  command: "deploy" | "again" | "destroy",
  flow: "plain" | "reviewed",
): Promise<RunResult> {
  const dir = (stack: string) => join(ws.dir, "cdktf.out", "stacks", stack);
  let free = DEFAULT_CONCURRENCY;
  const waiting: (() => void)[] = [];
  /** Runs Terraform in a slot; the exit code, where 2 from -detailed-exitcode means changes. */
  const tf = async (stack: string, args: string[]): Promise<number> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((wake) => waiting.push(wake));
    try {
      const run = await runTerraform(args, { cwd: dir(stack), env: ws.env });
      if (run.code !== 0 && !(args.includes("-detailed-exitcode") && run.code === 2))
        throw new Error(`${stack}: terraform ${args[0]}: ${run.stderr}`);
      return run.code;
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
  const reviewed = async (stack: string, destroy: boolean) => {
    const plan = ["plan", "-input=false", "-detailed-exitcode", "-out=bench.tfplan", ...(destroy ? ["-destroy"] : [])];
    if ((await tf(stack, plan)) === 0) return;
    await tf(stack, ["show", "-json", "bench.tfplan"]);
    await tf(stack, ["apply", "-input=false", "bench.tfplan"]);
  };
  const steps: Record<typeof flow, Record<typeof command, (stack: string) => Promise<void>>> = {
    plain: {
      deploy: async (stack) => {
        await tf(stack, ["init", "-input=false"]);
        await tf(stack, ["apply", "-input=false", "-auto-approve"]);
      },
      again: async (stack) => void (await tf(stack, ["plan", "-input=false", "-detailed-exitcode"])),
      destroy: async (stack) => void (await tf(stack, ["apply", "-destroy", "-input=false", "-auto-approve"])),
    },
    reviewed: {
      deploy: async (stack) => {
        await tf(stack, ["init", "-input=false"]);
        await reviewed(stack, false);
      },
      again: (stack) => reviewed(stack, false),
      destroy: (stack) => reviewed(stack, true),
    },
  };
  try {
    await Promise.all(
      destinations.map(async (name) => {
        const [first, second] = command === "destroy" ? [`${name}-ec2`, `${name}-iam`] : [`${name}-iam`, `${name}-ec2`];
        await steps[flow][command](first);
        await steps[flow][command](second);
      }),
    );
    return { code: 0, output: "", stdout: "" };
  } catch (error) {
    return { code: 1, output: (error as Error).message, stdout: "" };
  }
}

/** Deploy, deploy again (no changes), destroy: the workflow with a concurrency, plain Terraform, or cdktf's own `'*'`. */
async function deployPath(size: number, mode: "serial" | "parallel" | "cdktf" | "terraform" | "reviewed"): Promise<DeployRow> {
  const destinations = destinationsFor(size);
  const example = loadConfig(join(PROJECT_ROOT, "config/default.json"));
  const ws = await Workspace.open(
    `bench/deploy-${size}-${mode}`,
    { ...example, destinations },
    {
      profiles: [
        { profile: "source", accountId: example.source.accountId },
        ...destinations.map((d) => ({ profile: String(d.profile), accountId: String(d.accountId) })),
      ],
    },
  );
  const what = {
    cdktf: "cdktf deploy/destroy '*'",
    terraform: `plain Terraform, up to ${DEFAULT_CONCURRENCY} at once`,
    reviewed: `reviewed by hand (plan -out, show -json, apply the plan), up to ${DEFAULT_CONCURRENCY} at once`,
    serial: "workflow, one stack at a time",
    parallel: `workflow, up to ${DEFAULT_CONCURRENCY} at once`,
  }[mode];
  const label = `${what}: ${size} destination${size > 1 ? "s" : ""}`;
  const flags = mode === "serial" ? ["--auto-approve", "--concurrency", "1"] : ["--auto-approve"];
  // Plain Terraform runs on stacks synthesized beforehand, untimed: the workflow's synth is in its figures.
  if (mode === "terraform" || mode === "reviewed") synthesizeApp(loadConfig(join(ws.dir, "config.json")), join(ws.dir, "cdktf.out"));
  const names = destinations.map((d) => String(d.name));
  const step = (command: "deploy" | "again" | "destroy") =>
    mode === "cdktf"
      ? ws.cdktf([command === "again" ? "deploy" : command, "*", "--auto-approve", "--skip-provider-lock"])
      : mode === "terraform" || mode === "reviewed"
        ? byHand(ws, names, command, mode === "terraform" ? "plain" : "reviewed")
        : ws.run(command === "again" ? "deploy" : command, flags);
  try {
    const deploy = await timed(`${label}, deploy`, () => step("deploy"));
    const again = await timed(`${label}, deploy again`, () => step("again"));
    const destroy = await timed(`${label}, destroy`, () => step("destroy"));
    return { label, deploy, again, destroy };
  } finally {
    await ws.close();
  }
}

/** CPU seconds used so far by this process's finished children and theirs (Linux): Node has no per-child rusage. */
function childrenCpuSeconds(): number {
  // /proc/self/stat after "pid (comm) ": field 3 (state) first, so cutime (16) and cstime (17) are at 13 and 14.
  const fields = readFileSync("/proc/self/stat", "utf8")
    .replace(/^.*\) /, "")
    .split(" ");
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;

interface CommandRow {
  readonly gogc: string;
  readonly cpu: number;
  readonly wall: number;
}

/**
 * What one Terraform command costs, most of it the AWS provider starting and sending its schema: `terraform
 * validate` on the example's IAM stack (two provider configurations), at Go's default collector target and at the
 * one the workflow sets, `runs` times each, interleaved so that neither gets a warmer machine.
 */
async function terraformCommandCost(
  runs: number,
): Promise<{ rows: CommandRow[]; concurrent: ConcurrentRow[]; starts: Readonly<Record<"iam" | "ec2", number>> }> {
  const outdir = join(WORK, "command-cost");
  synthesizeApp(loadConfig(join(PROJECT_ROOT, "config/default.json")), outdir);
  const stack = join(outdir, "stacks", "destination-iam");
  const { env } = providerSource();
  const init = await runTerraform(["init", "-input=false", "-backend=false"], { cwd: stack, env });
  if (init.code !== 0) throw new Error(`terraform init failed: ${init.stderr}`);
  const settings = ["100", TERRAFORM_GOGC];
  const samples = new Map(settings.map((gogc) => [gogc, [] as { cpu: number; wall: number }[]]));
  console.log(`terraform validate at GOGC ${settings.join(" and ")}: started (${runs} runs each)`);
  for (let i = 0; i < runs; i++) {
    for (const gogc of settings) {
      const cpuBefore = childrenCpuSeconds();
      const started = Date.now();
      const run = await runTerraform(["validate"], { cwd: stack, env: { ...env, GOGC: gogc } });
      if (run.code !== 0) throw new Error(`terraform validate failed: ${run.stderr}`);
      samples.get(gogc)?.push({ cpu: childrenCpuSeconds() - cpuBefore, wall: (Date.now() - started) / 1000 });
    }
  }
  const rows = settings.map((gogc) => {
    const taken = samples.get(gogc) ?? [];
    return { gogc, cpu: median(taken.map((s) => s.cpu)), wall: median(taken.map((s) => s.wall)) };
  });
  for (const row of rows) console.log(`  GOGC=${row.gogc}: ${row.cpu.toFixed(2)} CPU-s, ${row.wall.toFixed(2)} s`);
  const ec2 = join(outdir, "stacks", "destination-ec2");
  const ec2Init = await runTerraform(["init", "-input=false", "-backend=false"], { cwd: ec2, env });
  if (ec2Init.code !== 0) throw new Error(`terraform init failed: ${ec2Init.stderr}`);
  const starts = { iam: await providerStarts(stack, env), ec2: await providerStarts(ec2, env) };
  console.log(`  AWS provider starts per command: IAM stack ${starts.iam}, EC2 stack ${starts.ec2}`);
  return { rows, concurrent: await concurrentCommandCost(Math.min(runs, 3), stack, env), starts };
}

/**
 * How many times one command starts the AWS provider in a stack: Terraform starts one instance to read the schema
 * and one per provider configuration it validates or configures (the IAM stack has two, source and destination).
 * Counted from Terraform's own log of `terraform validate`.
 */
async function providerStarts(stack: string, env: Readonly<Record<string, string>>): Promise<number> {
  const run = await runTerraform(["validate"], { cwd: stack, env: { ...env, TF_LOG: "debug" } });
  if (run.code !== 0) throw new Error(`terraform validate failed: ${run.stderr}`);
  return (`${run.stdout}\n${run.stderr}`.match(/provider: starting plugin: path=\S*terraform-provider-aws/g) ?? []).length;
}

interface ConcurrentRow {
  readonly setting: string;
  readonly cpu: number;
  readonly wall: number;
}

/** Go's settings compared when many Terraform processes run at once. */
const CONCURRENT_SETTINGS: readonly { readonly setting: string; readonly env: Readonly<Record<string, string>> }[] = [
  { setting: "GOGC=100 (Go's default)", env: { GOGC: "100" } },
  { setting: `GOGC=${TERRAFORM_GOGC} (the workflow's)`, env: { GOGC: TERRAFORM_GOGC } },
  { setting: `GOGC=${TERRAFORM_GOGC}, GOMAXPROCS=1`, env: { GOGC: TERRAFORM_GOGC, GOMAXPROCS: "1" } },
  { setting: "GOGC=off, GOMEMLIMIT=1GiB", env: { GOGC: "off", GOMEMLIMIT: "1GiB" } },
];

/**
 * What the provider spends when ten Terraform commands run at once, as ten destinations do on two cores: ten
 * `terraform validate` on the example's IAM stack started together, under each of Go's settings, `runs` times,
 * interleaved. CPU of all of them, and the wall time until the last one ends.
 */
async function concurrentCommandCost(runs: number, stack: string, env: Readonly<Record<string, string>>): Promise<ConcurrentRow[]> {
  const samples = new Map(CONCURRENT_SETTINGS.map(({ setting }) => [setting, [] as { cpu: number; wall: number }[]]));
  console.log(`${DEFAULT_CONCURRENCY} terraform validate at once, under ${CONCURRENT_SETTINGS.length} settings: started (${runs} runs each)`);
  for (let i = 0; i < runs; i++) {
    for (const { setting, env: go } of CONCURRENT_SETTINGS) {
      const cpuBefore = childrenCpuSeconds();
      const started = Date.now();
      const all = await Promise.all(
        Array.from({ length: DEFAULT_CONCURRENCY }, () => runTerraform(["validate"], { cwd: stack, env: { ...env, ...go } })),
      );
      const failed = all.find((run) => run.code !== 0);
      if (failed) throw new Error(`terraform validate failed: ${failed.stderr}`);
      samples.get(setting)?.push({ cpu: childrenCpuSeconds() - cpuBefore, wall: (Date.now() - started) / 1000 });
    }
  }
  const rows = CONCURRENT_SETTINGS.map(({ setting }) => {
    const taken = samples.get(setting) ?? [];
    return { setting, cpu: median(taken.map((s) => s.cpu)), wall: median(taken.map((s) => s.wall)) };
  });
  for (const row of rows) console.log(`  ${row.setting}: ${row.cpu.toFixed(1)} CPU-s, ${row.wall.toFixed(1)} s`);
  return rows;
}

/** The Terraform command section of docs/benchmarks.md. */
function commandSection(
  {
    rows,
    concurrent,
    starts,
  }: { rows: readonly CommandRow[]; concurrent: readonly ConcurrentRow[]; starts: Readonly<Record<"iam" | "ec2", number>> },
  runs: number,
): string[] {
  const [standard, tuned] = rows;
  return [
    "## One Terraform command",
    "",
    `\`terraform validate\` on the example's IAM stack (two AWS provider configurations): the median of ${runs} runs each, CPU`,
    "of Terraform and the providers it started, read from the kernel. Nearly all of it is the provider starting and",
    "sending Terraform its schema of every resource type, which every Terraform command pays once.",
    "",
    "| Go's collector | CPU | Wall |",
    "| --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| GOGC=${r.gogc}${r.gogc === TERRAFORM_GOGC ? " (what the workflow sets)" : " (Go's default)"} | ${r.cpu.toFixed(2)} s | ${r.wall.toFixed(2)} s |`,
    ),
    "",
    `The workflow's setting saves ${(100 * (1 - tuned.cpu / standard.cpu)).toFixed(0)}% of each command's CPU. Plain Terraform in the deploy rows below runs`,
    "with the same setting, so the ratios compare the two workflows alone.",
    "",
    `One command starts the AWS provider ${starts.iam} times in the IAM stack and ${starts.ec2} in the EC2 stack (Terraform's own log of \`terraform validate\`):`,
    "one instance to read the schema, and one per provider configuration; the IAM stack's two (source and destination) are two",
    "accounts' credentials, which one provider process cannot hold, so that cost stays.",
    "",
    `When ${DEFAULT_CONCURRENCY} run at once (${DEFAULT_CONCURRENCY} \`terraform validate\` started together, as ten destinations start them on this machine; the`,
    `median of ${Math.min(runs, 3)} runs each, CPU of all of them and the wall time until the last ends):`,
    "",
    "| Go's settings | CPU | Wall |",
    "| --- | --- | --- |",
    ...concurrent.map((r) => `| ${r.setting} | ${r.cpu.toFixed(1)} s | ${r.wall.toFixed(1)} s |`),
    "",
  ];
}

/** The synth section of docs/benchmarks.md. */
function synthSection(synthRows: readonly SynthRow[], runs: number): string[] {
  const [, one, , , hundred] = synthRows;
  const perDestinationMs = ((hundred.seconds - one.seconds) / 99) * 1000;
  return [
    "## Synth",
    "",
    `Each row: the median wall time of ${runs} runs of a full synth (after one warm-up run; each run's stacks counted) and the highest peak RSS among them.`,
    "",
    "| Case | Median synth | Range | Peak memory |",
    "| --- | --- | --- | --- |",
    ...synthRows.map((r) => `| ${r.label} | ${r.seconds.toFixed(2)} s | ${r.min.toFixed(2)}-${r.max.toFixed(2)} s | ${r.peakMb.toFixed(0)} MB |`),
    "",
    `Growth: about ${perDestinationMs.toFixed(1)} ms and ${((hundred.peakMb - one.peakMb) / 99).toFixed(2)} MB per extra destination (two stacks), linear between 1 and 100.`,
    `Targets: 1 destination ≤ 1.0 s and ≤ 150 MB; 100 destinations ≤ 5 s and ≤ 1 GB.`,
    "",
    "Where the time goes at one destination: Node and tsx start-up, then loading `cdktf` and the few provider classes the stacks use,",
    "imported by path. The baseline loads every AWS resource class through the package root and type-checks with ts-node.",
    "",
  ];
}

/**
 * The workflow against the same flow by hand and against plain Terraform, on the same stacks in the same run: the
 * targets are ≤ 1.05 for deploy over reviewed by hand, and for deploy again and destroy over plain Terraform.
 */
function ratioRows(rows: readonly DeployRow[], deploySizes: readonly number[]): string[] {
  const triples = deploySizes.map((_, i) => [rows[3 * i], rows[3 * i + 1], rows[3 * i + 2]] as const);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  return triples.map(
    ([ours, plain, reviewed]) =>
      `| ${ours.label.replace(/^[^:]+: /, "")} | ${ratio(ours.deploy, reviewed.deploy)} | ${ratio(ours.deploy, plain.deploy)} | ${ratio(ours.again, plain.again)} | ${ratio(ours.destroy, plain.destroy)} |`,
  );
}

runScript(async () => {
  const { runs, synthOnly, deployOnly, deploySizes, write } = benchOptions();
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  writeFileSync(
    RSS_REPORTER,
    'process.on("exit", () => require("fs").writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n',
  );
  const base = loadConfig(join(PROJECT_ROOT, "config/default.json"));
  const configFor = (size: number) => {
    const path = join(WORK, `config-${size}.json`);
    writeFileSync(path, JSON.stringify({ ...base, destinations: size === 1 ? base.destinations : destinationsFor(size) }));
    return path;
  };

  // The template's defaults: ts-node (type-checking) as the runner, provider classes from the package root.
  // Generated here, never committed: the project itself imports providers by path (eslint enforces it).
  const baselineMain = join(WORK, "baseline-main.ts");
  writeFileSync(baselineMain, `import "@cdktf/provider-aws";\nimport { main } from "${join(PROJECT_ROOT, "main")}";\nprocess.exitCode = main();\n`);
  const tsNode = [join(PROJECT_ROOT, "node_modules/ts-node/dist/bin.js"), "-O", JSON.stringify({ noEmit: false, incremental: false })];

  const synthRows = deployOnly
    ? []
    : [
        series("baseline: ts-node + root import, 1 destination", [...tsNode, baselineMain], configFor(1), 2, runs),
        ...SIZES.map((size) =>
          series(
            `this project: ${size} destination${size > 1 ? "s" : ""} (${size * 2} stacks)`,
            ["--import", "tsx", join(PROJECT_ROOT, "main.ts")],
            configFor(size),
            size * 2,
            runs,
          ),
        ),
      ];
  const commandRows = synthOnly ? undefined : await terraformCommandCost(runs);
  const deployRows: DeployRow[] = [];
  if (!synthOnly) {
    // Each workflow row beside plain Terraform on the same stacks, in the same run.
    for (const size of deploySizes)
      deployRows.push(await deployPath(size, "parallel"), await deployPath(size, "terraform"), await deployPath(size, "reviewed"));
    deployRows.push(await deployPath(1, "cdktf"));
  }

  const cpu = cpus();
  const doc = [
    "# Benchmarks",
    "",
    `Generated by \`npm run bench -- --write\` on ${new Date().toISOString().slice(0, 10)}: ${cpu.length} × ${cpu[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
    "",
    ...(synthRows.length ? synthSection(synthRows, runs) : []),
    ...(commandRows ? commandSection(commandRows, runs) : []),
    ...(deployRows.length
      ? [
          "## Deploy path, against the AWS double",
          "",
          "One run each, against the AWS double on loopback, with Terraform 1.11.4 and hashicorp/aws 5.100.0: the workflow",
          "(`npm run deploy -- --auto-approve`, again, `npm run destroy -- --auto-approve`; its synth included), plain Terraform on the",
          "same synthesized stacks (`init` + `apply`, `plan -detailed-exitcode`, `apply -destroy` in each stack folder, in dependency",
          "order, as many at once), the reviewed flow by hand on them (`init`, `plan -out -detailed-exitcode`, `show -json` of the plan,",
          "`apply <plan>`: what a review and a policy check cost anywhere, as Atlantis with a policy check or a CI job with conftest runs",
          "it), and cdktf's own `deploy '*'` / `destroy '*'`. The provider waits about 10 s for each instance to run and to terminate;",
          "AWS takes longer.",
          "",
          "| Case | Deploy | Deploy again (no changes) | Destroy |",
          "| --- | --- | --- | --- |",
          ...deployRows.map((r) => `| ${r.label} | ${r.deploy.toFixed(1)} s | ${r.again.toFixed(1)} s | ${r.destroy.toFixed(1)} s |`),
          "",
          "The workflow over the same flow by hand (target: deploy ≤ 1.05× reviewed by hand) and over plain Terraform (targets: deploy",
          "again and destroy ≤ 1.05×; a deploy that reviews its plans starts the provider three times per changed stack where plain",
          "`apply` starts it once):",
          "",
          "| Destinations | Deploy / reviewed by hand | Deploy / plain | Deploy again / plain | Destroy / plain |",
          "| --- | --- | --- | --- | --- |",
          ...ratioRows(deployRows, deploySizes),
          "",
        ]
      : []),
  ].join("\n");
  if (write && !deployOnly) {
    writeFileSync(join(PROJECT_ROOT, "docs", "benchmarks.md"), doc);
    console.log("\nwrote docs/benchmarks.md");
  } else {
    console.log(`\n${doc}\n(not written: ${deployOnly ? "--deploy-only never writes" : "add --write to update docs/benchmarks.md"})`);
  }
  return 0;
});
