import type { StackUnit } from "./stack-graph";
import { changeLines, countsLine, NO_CHANGES } from "./plan-summary";
import type { StackOutcome, WorkflowCommand } from "./workflow";

/**
 * What plan and diff end with: one row per stack (stack, account, region,
 * result) as a terminal table, Markdown for a CI job summary or a
 * pull-request comment, and JSON for machines.
 */

export interface ReportRow {
  readonly stack: string;
  readonly destination: string;
  readonly account: string;
  readonly region: string;
  readonly status: StackOutcome["status"];
  readonly result: string;
  readonly changes: StackOutcome["changes"];
  readonly detail?: string;
}

function result(o: StackOutcome): string {
  switch (o.status) {
    case "unchanged":
      return "no changes";
    case "planned":
      return countsLine(o.changes ?? NO_CHANGES);
    case "deferred":
      return o.changes ? `deferred: will create ${o.changes.add.length} once its role is applied` : "deferred: planned once its role is applied";
    case "failed":
      return "error";
    default:
      return o.status;
  }
}

export function reportRows(units: readonly StackUnit[], outcomes: readonly StackOutcome[]): ReportRow[] {
  return outcomes.map((o) => {
    const unit = units.find((u) => u.name === o.stack);
    return {
      stack: o.stack,
      destination: unit?.target.name ?? "",
      account: unit?.target.destination.accountId ?? "",
      region: unit?.target.destination.region ?? "",
      status: o.status,
      result: result(o),
      changes: o.changes,
      ...(o.detail ? { detail: o.detail } : {}),
    };
  });
}

/** A plain aligned table. */
export function reportTable(rows: readonly ReportRow[]): string {
  const cells = [["STACK", "ACCOUNT", "REGION", "RESULT"], ...rows.map((r) => [r.stack, r.account, r.region, r.result])];
  const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const escape = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Markdown for `$GITHUB_STEP_SUMMARY` or a pull-request comment: the table, then each stack's resources. */
export function reportMarkdown(command: WorkflowCommand, rows: readonly ReportRow[]): string {
  const changed = rows.filter((r) => r.status === "planned" || r.status === "deferred");
  const title = command === "diff" ? "Drift check" : "Terraform plan";
  const verdict = rows.some((r) => r.status === "failed" || r.status === "refused")
    ? "Some stacks could not be planned."
    : changed.length > 0
      ? `${changed.length} of ${rows.length} stacks have changes.`
      : "No changes.";
  const lines = [
    `### ${title}: ${verdict}`,
    "",
    "| Stack | Account | Region | Result |",
    "| --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| \`${r.stack}\` | ${r.account} | ${r.region} | ${escape(r.detail && r.status !== "planned" ? `${r.result}: ${r.detail}` : r.result)} |`,
    ),
  ];
  for (const r of changed) {
    lines.push("", `<details><summary><code>${r.stack}</code>: ${r.result}</summary>`, "", "```diff");
    lines.push(...changeLines(r.changes ?? NO_CHANGES).map((line) => line.trim().replace(/^-\/\+/, "!")));
    lines.push("```", "</details>");
  }
  return `${lines.join("\n")}\n`;
}
