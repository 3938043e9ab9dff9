/**
 * Reads a JSON document the way a person needs it read: a syntax error names
 * its line and column and shows the line, and a key given twice in one object
 * is reported (JSON.parse silently keeps the last). A leading byte-order mark
 * is accepted.
 */

/** Where in the text, 1-based, and the offending line with a caret under it. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
  readonly excerpt: string;
}

export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly position: TextPosition,
  ) {
    super(`not valid JSON at line ${position.line}, column ${position.column}: ${reason}\n${position.excerpt}`);
    this.name = "JsonSyntaxError";
  }
}

/** A key that appears more than once in one object. */
export interface DuplicateKey {
  /** The key's path, as config problems name fields (`destinations[0].name`). */
  readonly path: string;
  readonly first: TextPosition;
  readonly again: TextPosition;
}

export interface JsonSource {
  readonly value: unknown;
  readonly duplicates: readonly DuplicateKey[];
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// JSON strings may not hold raw control characters: the class excludes them on purpose.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

const EXCERPT = 100;

function positionOf(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const start = before.lastIndexOf("\n") + 1;
  const end = text.indexOf("\n", offset);
  const lineText = text.slice(start, end === -1 ? undefined : end);
  const column = offset - start + 1;
  // A minified file is one long line: show at most EXCERPT characters around the column.
  const from = Math.max(0, column - 1 - EXCERPT / 2);
  const shown = `${from > 0 ? "…" : ""}${lineText.slice(from, from + EXCERPT)}${from + EXCERPT < lineText.length ? "…" : ""}`;
  const caret = column - 1 - from + (from > 0 ? 1 : 0);
  return { line, column, excerpt: `  ${shown}\n  ${" ".repeat(caret)}^` };
}

const childPath = (path: string, key: string | number) => (typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/**
 * Parses JSON text.
 * @throws JsonSyntaxError at the first syntax error
 */
export function parseJsonSource(source: string): JsonSource {
  const text = source.startsWith("\uFEFF") ? source.slice(1) : source;
  const duplicates: DuplicateKey[] = [];
  let pos = 0;

  const fail = (reason: string, at = pos): never => {
    throw new JsonSyntaxError(reason, positionOf(text, at));
  };
  const describe = (at: number) => (at >= text.length ? "the end of the file" : `"${text[at]}"`);
  const skipSpace = () => {
    while (pos < text.length && " \t\n\r".includes(text[pos])) pos++;
  };
  const token = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = pos;
    const match = pattern.exec(text);
    if (!match) return undefined;
    pos += match[0].length;
    return match[0];
  };
  const string = (): string => {
    const raw = token(STRING);
    if (raw === undefined)
      fail(
        text[pos] === '"'
          ? "a string that is not closed, or holds a raw control character or a bad escape"
          : `expected a string, found ${describe(pos)}`,
      );
    return JSON.parse(raw as string) as string;
  };

  const value = (path: string): unknown => {
    skipSpace();
    const ch = text[pos];
    if (ch === "{") return object(path);
    if (ch === "[") return array(path);
    if (ch === '"') return string();
    for (const [word, result] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return result;
      }
    }
    const number = token(NUMBER);
    if (number !== undefined) return Number(number);
    return fail(`unexpected ${describe(pos)}; expected a value (an object, array, string, number, true, false or null)`);
  };

  const object = (path: string): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    const seen = new Map<string, number>();
    pos++; // {
    skipSpace();
    if (text[pos] === "}") {
      pos++;
      return result;
    }
    for (;;) {
      skipSpace();
      if (text[pos] === "}") fail("a comma before } (JSON allows no trailing comma)");
      if (text[pos] !== '"') fail(`expected a key in double quotes, found ${describe(pos)}`);
      const keyAt = pos;
      const key = string();
      const first = seen.get(key);
      if (first !== undefined) duplicates.push({ path: childPath(path, key), first: positionOf(text, first), again: positionOf(text, keyAt) });
      else seen.set(key, keyAt);
      skipSpace();
      if (text[pos] !== ":") fail(`expected ":" after the key "${key}", found ${describe(pos)}`);
      pos++;
      result[key] = value(childPath(path, key));
      skipSpace();
      if (text[pos] === ",") {
        pos++;
        continue;
      }
      if (text[pos] === "}") {
        pos++;
        return result;
      }
      fail(`expected "," or "}" after the value of "${key}", found ${describe(pos)}`);
    }
  };

  const array = (path: string): unknown[] => {
    const result: unknown[] = [];
    pos++; // [
    skipSpace();
    if (text[pos] === "]") {
      pos++;
      return result;
    }
    for (;;) {
      skipSpace();
      if (text[pos] === "]") fail("a comma before ] (JSON allows no trailing comma)");
      result.push(value(childPath(path, result.length)));
      skipSpace();
      if (text[pos] === ",") {
        pos++;
        continue;
      }
      if (text[pos] === "]") {
        pos++;
        return result;
      }
      fail(`expected "," or "]" in a list, found ${describe(pos)}`);
    }
  };

  const result = value("");
  skipSpace();
  if (pos < text.length) fail(`unexpected ${describe(pos)} after the end of the JSON value`);
  return { value: result, duplicates };
}
