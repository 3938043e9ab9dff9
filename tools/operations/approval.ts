import { createInterface } from "node:readline/promises";

/**
 * Asks on the terminal whether to apply one stack's plan, after showing its
 * summary: resources to add, change and destroy, with their addresses.
 * Anything but "yes", as Terraform asks it, keeps the stack as it is.
 */
export async function askOnTerminal(stack: string, summary: readonly string[]): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(`\n${summary.join("\n")}\n`);
    const answer = await rl.question(`Apply this plan to ${stack}? Only "yes" applies it: `);
    return /^yes$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
