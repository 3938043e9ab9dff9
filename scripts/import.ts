import { pendingRecovery, recoveryNeeded } from "../tools/operations/recovery";
import { WorkflowError } from "../tools/operations/workflow";
import { ProvidersUnavailableError } from "../tools/terraform/providers";
import { parsePositionals, runScript } from "./entry";
import { withStackTerraform } from "./stack-terraform";

const USAGE =
  "usage: npm run import -- <stack> <address> <id>   (a resource AWS holds and the stack's state does not, e.g. destination-iam aws_iam_role.role cdktf-assume-role-ec2)";

/**
 * `npm run import -- <stack> <address> <id>`: adopts into a stack's state a resource AWS already holds (terraform
 * import), as the workflow advises when an apply meets EntityAlreadyExists: IAM created it and its answer was lost.
 */
runScript(async () => {
  const [stack, address, id] = parsePositionals(["a stack", "a resource address", "its import ID"], USAGE);
  return withStackTerraform(stack, "import", USAGE, async ({ unit, terraform }) => {
    // Importing into a backend that lacks an unsaved state would hide the loss: recover first.
    const unsaved = pendingRecovery(unit.name, unit.dir);
    if (unsaved) throw new WorkflowError(`${stack}: refused: ${recoveryNeeded(stack, unsaved)}`);
    console.log(`${stack}: importing ${id} as ${address} (terraform import)`);
    const run = await terraform(["import", "-input=false", address, id]);
    if (run.code !== 0) throw new WorkflowError(`${stack}: terraform import exited ${run.code} (the lines above say why); the state is unchanged.`);
    console.log(`${stack}: ${address} is in the state now; npm run diff -- ${stack} shows what a deploy would still change on it.`);
    return 0;
  });
}, [ProvidersUnavailableError]);
