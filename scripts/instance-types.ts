import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { _InstanceType } from "@aws-sdk/client-ec2";

/**
 * `npm run data:instance-types`: writes lib/data/instance-types.json, the EC2
 * instance types the AWS SDK for JavaScript knows (its EC2 model's InstanceType
 * enum, which AWS regenerates with every release). A dev dependency, read here
 * only: the app loads the small JSON, not the 28 MB SDK client.
 */
const types = [...new Set(Object.values(_InstanceType))].sort();
const file = join(__dirname, "..", "lib", "data", "instance-types.json");
writeFileSync(file, `${JSON.stringify({ source: "@aws-sdk/client-ec2 InstanceType enum", types }, null, 0)}\n`);
console.log(`wrote ${types.length} instance types to ${file}`);
