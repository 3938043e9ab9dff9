import { loadConfig } from "../lib/config";
import { resolveTargets, selectStacks } from "../lib/targets";
import { verifyDestination, VerifyError } from "../tools/operations/verify";
import { runScript } from "./entry";

/** `npm run verify -- <destination>`: assume the role with the source credentials and print who we are. */
runScript(async () => {
  // The SDK is pinned exactly; its notice that later versions will need Node 22 is not about this project's.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const patterns = process.argv.slice(2);
  if (patterns.length === 0) throw new VerifyError("usage: npm run verify -- <destination> [...]");
  for (const { target } of selectStacks(resolveTargets(loadConfig()), patterns)) {
    const identity = await verifyDestination(target);
    console.log(`${target.name}: assumed ${target.role.arn}\n  Account ${identity.account}\n  Arn     ${identity.arn}\n  UserId  ${identity.userId}`);
  }
  return 0;
}, [VerifyError]);
