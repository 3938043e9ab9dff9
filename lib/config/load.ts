import { readFileSync } from "node:fs";
import { JsonSyntaxError, parseJsonSource, type JsonSource } from "../json-source";
import { CONFIG_SHAPE, ConfigError, problemFrom, type ConfigProblem } from "./problems";
import { crossFieldProblems, crossFieldProblemsOfPartial } from "./rules";
import { configSchema, type AppConfig } from "./schema";

/** Where the config is read from unless `ASSUME_ROLE_CONFIG` names another file. */
export const DEFAULT_CONFIG_PATH = "config/default.json";
/** Environment variable that selects another config file. */
export const CONFIG_ENV_VAR = "ASSUME_ROLE_CONFIG";

/**
 * Validates raw JSON data against the contract.
 * @param source - where the data came from, for the error message
 * @throws ConfigError listing every problem found
 */
export function parseConfig(data: unknown, source = "configuration"): AppConfig {
  const result = configSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    const shape = result.error.issues.map(problemFrom);
    throw new ConfigError(source, [...shape, ...crossFieldProblemsOfPartial(validFields(data))]);
  }
  const problems = crossFieldProblems(result.data);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return result.data;
}

/** The top-level fields that are valid on their own, parsed with their defaults. */
function validFields(data: unknown): Partial<AppConfig> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return {};
  const raw = data as Record<string, unknown>;
  const fields = Object.entries(configSchema.shape).flatMap(([key, schema]) => {
    const result = schema.safeParse(raw[key]);
    return result.success && result.data !== undefined ? [[key, result.data]] : [];
  });
  return Object.fromEntries(fields) as Partial<AppConfig>;
}

/** A config is a few KB of JSON; anything far larger is the wrong file. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Why a file's text cannot be a config at all (empty, binary, far too
 * large), said without echoing its content.
 * @returns undefined when it may be JSON text
 */
export function notJsonText(text: string): string | undefined {
  if (text.trim() === "") return `the file is empty; the config is ${CONFIG_SHAPE}`;
  // NUL, other control characters or undecodable bytes (U+FFFD): not text.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text)) return "the file is not JSON text (it holds binary data): name a JSON config file";
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_CONFIG_BYTES)
    return `the file is ${(bytes / 2 ** 20).toFixed(1)} MiB; a config is a small JSON file (at most ${MAX_CONFIG_BYTES / 2 ** 20} MiB): name the right file`;
  return undefined;
}

/**
 * Reads and validates a config file.
 * @param path - @default `$ASSUME_ROLE_CONFIG`, else `config/default.json`
 */
export function loadConfig(path: string = process.env[CONFIG_ENV_VAR] || DEFAULT_CONFIG_PATH): AppConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
    throw new ConfigError(path, [
      { path: "(file)", message: `cannot read ${path}: ${reason}; set ${CONFIG_ENV_VAR} to a readable JSON file or create ${DEFAULT_CONFIG_PATH}` },
    ]);
  }
  const unreadable = notJsonText(text);
  if (unreadable) throw new ConfigError(path, [{ path: "(file)", message: unreadable }]);
  let source: JsonSource;
  try {
    source = parseJsonSource(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new ConfigError(path, [{ path: "(file)", message: error.message }]);
  }
  // A key given twice is a mistake JSON.parse would hide: reported with every other problem.
  const duplicates: ConfigProblem[] = source.duplicates.map((d) => ({
    path: d.path,
    message: `is given twice (line ${d.first.line}, column ${d.first.column} and line ${d.again.line}, column ${d.again.column}); only the last would count: keep one`,
  }));
  let config: AppConfig | undefined;
  let problems: readonly ConfigProblem[] = [];
  try {
    config = parseConfig(source.value, path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems = error.problems;
  }
  if (duplicates.length > 0 || !config) throw new ConfigError(path, [...duplicates, ...problems]);
  return config;
}
