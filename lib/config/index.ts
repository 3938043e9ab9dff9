/**
 * The configuration contract: the schema (shape, defaults, descriptions), the
 * cross-field rules (one named function each), the problem formatting, and
 * loading a file. Everything else imports it from here.
 */
export * from "./load";
export * from "./problems";
export * from "./reference-rules";
export * from "./rules";
export * from "./schema";
