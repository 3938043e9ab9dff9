import { loadConfig } from "../lib/config";
import { resolveTargets } from "../lib/targets";
import { destinationEntries, formatRows, stackRows } from "../tools/operations/stack-list";
import { runScript } from "./entry";

/**
 * `npm run list`: every stack with its account, region, credentials and role.
 * `npm run list -- --json`: the destinations, for a CI matrix (`fromJSON`).
 */
runScript(() => {
  const targets = resolveTargets(loadConfig());
  console.log(process.argv.includes("--json") ? JSON.stringify(destinationEntries(targets)) : formatRows(stackRows(targets)));
  return 0;
});
