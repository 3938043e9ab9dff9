import { loadConfig } from "../lib/config";
import { resolveTargets } from "../lib/targets";
import { formatRows, stackRows } from "../tools/operations/stack-list";
import { runScript } from "./entry";

/** `npm run list`: every stack with its account, region, credentials and role. */
runScript(() => {
  console.log(formatRows(stackRows(resolveTargets(loadConfig()))));
  return 0;
});
