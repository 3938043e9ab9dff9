import { loadConfig } from "../lib/config";
import { resolveTargets, selectStacks } from "../lib/targets";
import { verifyDestination, VerifyError } from "../tools/operations/verify";
import { runScript } from "./entry";

/** `npm run verify -- <destination>`: assume the role with the source credentials and print who we are. */
runScript(async () => {
  const patterns = process.argv.slice(2);
  if (patterns.length === 0) throw new VerifyError("usage: npm run verify -- <destination> [...]");
  for (const { target } of selectStacks(resolveTargets(loadConfig()), patterns)) {
    const identity = await verifyDestination(target);
    console.log(`${target.name}: assumed ${target.role.arn}\n  Account ${identity.account}\n  Arn     ${identity.arn}\n  UserId  ${identity.userId}`);
  }
  return 0;
}, [VerifyError]);
