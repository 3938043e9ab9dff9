type EnvValues = Readonly<Record<string, string | undefined>>;

function apply(values: EnvValues): EnvValues {
  const previous = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return previous;
}

/**
 * Runs `fn` with environment variables set (`undefined` unsets), then puts
 * them back, also when `fn` throws or its promise rejects.
 */
export function withEnv<T>(values: EnvValues, fn: () => T): T {
  const previous = apply(values);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    apply(previous);
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => apply(previous)) as T;
  apply(previous);
  return result;
}
