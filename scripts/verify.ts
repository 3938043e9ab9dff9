import { ConfigError, loadConfig } from "../lib/config";
import { resolveTargets } from "../lib/targets";
import { verifyDestination, VerifyError } from "../tools/operations/verify";
import { selectTargets, WorkflowError } from "../tools/operations/workflow";

/** `npm run verify -- <destination>`: assume the role from the source profile and print who we are. */
async function main(patterns: string[]): Promise<void> {
  if (patterns.length === 0) throw new VerifyError("usage: npm run verify -- <destination> [...]");
  for (const target of selectTargets(resolveTargets(loadConfig()), patterns)) {
    const identity = await verifyDestination(target);
    console.log(`${target.name}: assumed ${target.role.arn}\n  Account ${identity.account}\n  Arn     ${identity.arn}\n  UserId  ${identity.userId}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (!(error instanceof VerifyError || error instanceof ConfigError || error instanceof WorkflowError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
});
