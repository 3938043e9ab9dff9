import { ConfigError, loadConfig } from "../lib/config";
import { resolveTargets } from "../lib/targets";
import { formatRows, stackRows } from "../tools/operations/stack-list";

/** `npm run list`: every stack with its account, region, credentials and role. */
try {
  console.log(formatRows(stackRows(resolveTargets(loadConfig()))));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
