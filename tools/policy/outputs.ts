import type { Finding, Json } from "./rule";

/** Outputs that carry a secret attribute (an access key secret, a password, a private key) and are not sensitive. */
export function exposedSecrets(stack: Json): Finding[] {
  const outputs = (stack.output ?? {}) as Record<string, { value?: unknown; sensitive?: boolean }>;
  return Object.entries(outputs)
    .filter(
      ([, output]) =>
        /\.(secret|ses_smtp_password_v4|password|private_key|encrypted_secret)\b/.test(JSON.stringify(output.value)) && output.sensitive !== true,
    )
    .map(([name]) => ({ rule: "sensitive-outputs", address: `output.${name}`, message: "exposes a secret without sensitive = true" }));
}
