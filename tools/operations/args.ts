import { parseArgs } from "node:util";
import { DEFAULT_CONCURRENCY, DEFAULT_RETRY, WORKFLOW_COMMANDS, WorkflowError, type WorkflowCommand } from "./workflow";

export const USAGE = [
  "usage: npm run <deploy|plan|apply|diff|destroy|output> -- [destination-or-stack-glob ...] [flags]",
  "  A destination name selects both of its stacks; <destination>-iam or <destination>-ec2 selects one.",
  "  --auto-approve         apply without asking (CI); without it, each stack's plan is shown and asked for on the terminal",
  `  --concurrency N        Terraform processes at once (default ${DEFAULT_CONCURRENCY})`,
  `  --assume-role-wait S   how long an EC2 stack waits for a new role to become assumable (default ${DEFAULT_RETRY.maxTotalDelayMs / 1000})`,
  "  --json                 plan and diff: print the result as JSON on stdout (everything else goes to stderr)",
].join("\n");

export interface WorkflowArgs {
  readonly command: WorkflowCommand;
  readonly patterns: readonly string[];
  readonly autoApprove: boolean;
  readonly concurrency: number;
  readonly assumeRoleWaitMs: number;
  readonly json: boolean;
}

/**
 * The arguments after `npm run <command> --`, parsed by Node's own parseArgs.
 * @throws WorkflowError with the usage when the command or a flag is wrong */
export function parseWorkflowArgs(argv: readonly string[]): WorkflowArgs {
  const [command, ...rest] = argv;
  if (!WORKFLOW_COMMANDS.includes(command as WorkflowCommand)) throw new WorkflowError(USAGE);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: {
        "auto-approve": { type: "boolean", default: false },
        concurrency: { type: "string", default: String(DEFAULT_CONCURRENCY) },
        "assume-role-wait": { type: "string", default: String(DEFAULT_RETRY.maxTotalDelayMs / 1000) },
        json: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    throw new WorkflowError(`${(error as Error).message}\n${USAGE}`);
  }
  const whole = (flag: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new WorkflowError(`--${flag} takes a whole number of at least ${min}; got ${value}.\n${USAGE}`);
    return n;
  };
  const { values, positionals } = parsed;
  return {
    command: command as WorkflowCommand,
    patterns: positionals,
    autoApprove: values["auto-approve"],
    concurrency: whole("concurrency", values.concurrency, 1),
    assumeRoleWaitMs: whole("assume-role-wait", values["assume-role-wait"], 0) * 1000,
    json: values.json,
  };
}
