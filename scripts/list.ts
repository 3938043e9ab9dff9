import { loadConfig } from "../lib/config";
import { resolveTargets } from "../lib/targets";
import { destinationEntries, formatRows, stackRows } from "../tools/operations/stack-list";
import { parseFlags, runScript } from "./entry";

/**
 * `npm run list`: every stack with its account, region, credentials and role.
 * `npm run list -- --json`: the destinations, for a CI matrix (`fromJSON`).
 */
runScript(() => {
  const { json } = parseFlags({ json: { type: "boolean", default: false } }, "usage: npm run list [-- --json]");
  const targets = resolveTargets(loadConfig());
  console.log(json ? JSON.stringify(destinationEntries(targets)) : formatRows(stackRows(targets)));
  return 0;
});
