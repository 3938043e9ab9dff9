import { relative } from "node:path";
import { pendingRecovery, pushErroredState } from "../tools/operations/recovery";
import { WorkflowError } from "../tools/operations/workflow";
import { ProvidersUnavailableError } from "../tools/terraform/providers";
import { parsePositionals, runScript } from "./entry";
import { withStackTerraform } from "./stack-terraform";

const USAGE = "usage: npm run recover -- <stack>   (the stack whose state Terraform could not save, e.g. destination-ec2)";

/**
 * `npm run recover -- <stack>`: pushes back the state Terraform could not
 * save after an apply (kept in recovery/ by the workflow, see
 * tools/operations/recovery.ts), so that the stack's backend knows again
 * everything AWS holds; every workflow run refuses the stack until then.
 */
runScript(async () => {
  const [stack] = parsePositionals(["a stack"], USAGE);
  return withStackTerraform(stack, "recover", USAGE, async ({ unit, terraform }) => {
    const file = pendingRecovery(unit.name, unit.dir);
    if (!file) {
      console.log(`${stack}: nothing to recover (no unsaved state in recovery/); its backend has its state.`);
      return 0;
    }
    console.log(`${stack}: pushing ${relative(process.cwd(), file)} to its backend (terraform state push)`);
    const result = await pushErroredState(file, terraform);
    if (!result.pushed)
      throw new WorkflowError(
        `${stack}: Terraform refused the push: ${result.reason}\nIt refuses a state of another lineage, or older than the backend's: if a run planned or applied over the lost state since, compare the two (terraform state pull in ${relative(process.cwd(), unit.dir)}) before forcing anything. The file is still in recovery/.`,
      );
    console.log(
      `${stack}: recovered; its backend holds the state again (the file is kept as ${relative(process.cwd(), result.keptAs)}). Check that it matches AWS: npm run diff -- ${stack}`,
    );
    return 0;
  });
}, [ProvidersUnavailableError]);
