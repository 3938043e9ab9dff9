import js from "@eslint/js";
import tseslint from "typescript-eslint";

const providerRoot = {
  name: "@cdktf/provider-aws",
  message:
    "Import the class by path (@cdktf/provider-aws/lib/<resource>): the package root loads every AWS resource, about 3.5 s and 600 MB per process.",
};

/**
 * Layers run one way: lib <- constructs <- stacks <- app <- terraform (the CLI's
 * plumbing) and policy (the rules) <- operations and proof <- scripts.
 * The AWS double is a test double: it imports nothing of the product, and
 * nothing in the product imports it.
 */
const layers = [
  { files: ["lib/**/*.ts"], forbidden: ["**/constructs/**", "**/stacks/**", "**/app", "**/main", "**/tools/**", "**/scripts/**"] },
  { files: ["constructs/**/*.ts"], forbidden: ["**/stacks/**", "**/app", "**/main", "**/tools/**", "**/scripts/**"] },
  { files: ["stacks/**/*.ts"], forbidden: ["**/app", "**/main", "**/tools/**", "**/scripts/**"] },
  { files: ["app.ts", "main.ts"], forbidden: ["**/tools/**", "**/scripts/**"] },
  { files: ["tools/terraform/**/*.ts"], forbidden: ["**/policy/**", "**/operations/**", "**/proof/**", "**/aws-double/**", "**/scripts/**"] },
  { files: ["tools/policy/**/*.ts"], forbidden: ["**/operations/**", "**/proof/**", "**/aws-double/**", "**/scripts/**"] },
  { files: ["tools/operations/**/*.ts"], forbidden: ["**/proof/**", "**/aws-double/**", "**/scripts/**"] },
  { files: ["tools/proof/**/*.ts"], forbidden: ["**/operations/**", "**/scripts/**"] },
  {
    files: ["tools/aws-double/**/*.ts"],
    forbidden: ["**/lib/**", "**/stacks/**", "**/app", "**/main", "**/operations/**", "**/proof/**", "**/scripts/**"],
  },
];

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "cdktf.out/",
      "cdktf.out.*/",
      ".cdktf.out.*/",
      ".gen/",
      "coverage/",
      "state/",
      ".terraform-work/",
      ".stryker-tmp/",
      "reports/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-imports": ["error", { paths: [providerRoot] }],
    },
  },
  ...layers.map(({ files, forbidden }) => ({
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [providerRoot],
          patterns: [
            {
              group: forbidden,
              message:
                "Layers run one way: lib <- constructs <- stacks <- app <- terraform and policy <- operations and proof <- scripts (see README, Project layout).",
            },
          ],
        },
      ],
    },
  })),
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly", __dirname: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
