import { checkProviders, findProviders, ProvidersUnavailableError } from "../tools/terraform/providers";
import { parseFlags, runScript } from "./entry";

/**
 * `npm run providers`: says where Terraform gets hashicorp/aws on this
 * machine, and prints the `export` that points a plain `terraform` (or
 * `cdktf`) at it, for use outside the project's own commands:
 *   eval "$(npm run --silent providers -- --export)"
 */
runScript(async () => {
  const flags = parseFlags({ export: { type: "boolean", default: false } }, "usage: npm run providers [-- --export]");
  const source = findProviders();
  await checkProviders(source);
  if (flags.export) {
    for (const [name, value] of Object.entries(source.env)) console.log(`export ${name}=${JSON.stringify(value)}`);
  } else console.log(`Terraform providers: ${source.description}`);
  return 0;
}, [ProvidersUnavailableError]);
