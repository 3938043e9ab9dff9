import { readFileSync } from "node:fs";
import { configReference } from "../lib/config-reference";
import { BEGIN, END } from "../scripts/config-reference";

describe("configReference", () => {
  const reference = configReference();

  it("lists every field with its default", () => {
    expect(reference).toContain("| `role.maxSessionDurationSeconds` | integer 3600-43200 | `3600` |");
  });

  it("names where an omitted field's value comes from, from the schema's metadata", () => {
    expect(reference).toContain("| `destinations[].region` | string | the top-level `region` | Region of this destination. |");
    expect(reference).not.toContain("@default");
  });

  it("is what the README shows (run npm run docs:config after changing the schema)", () => {
    const readme = readFileSync("README.md", "utf8");
    expect(readme.slice(readme.indexOf(BEGIN) + BEGIN.length, readme.indexOf(END)).trim()).toBe(reference);
  });
});
