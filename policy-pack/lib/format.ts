import type { EvaluationReport } from "./types";

function pad(text: string, width: number): string {
    return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** A plain-text table of violations, then applied exemptions with their reasons. */
export function formatTable(report: EvaluationReport): string {
    const lines: string[] = [];
    const rows = report.violations.map((v) => [
        v.enforcementLevel,
        v.severity,
        v.policy,
        v.resource ? `${v.resource.namespace ? v.resource.namespace + "/" : ""}${v.resource.name}` : "(stack)",
        v.message,
    ]);
    if (rows.length === 0) {
        lines.push(`No violations (${report.resourceCount} resources, ${report.policyCount} policies).`);
    } else {
        const header = ["LEVEL", "SEVERITY", "POLICY", "RESOURCE", "MESSAGE"];
        const widths = header.slice(0, 4).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
        lines.push(header.map((h, i) => (i < 4 ? pad(h, widths[i]) : h)).join("  "));
        for (const r of rows) lines.push(r.map((c, i) => (i < 4 ? pad(c, widths[i]) : c)).join("  "));
        const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
        lines.push(
            "",
            `${report.violations.length} violations (${mandatory} mandatory) over ${report.resourceCount} resources, ${report.policyCount} policies.`,
        );
    }
    if (report.exemptions.length > 0) {
        lines.push("", "Exemptions applied:");
        for (const e of report.exemptions) {
            lines.push(`  ${e.policy}  ${e.resource.namespace ? e.resource.namespace + "/" : ""}${e.resource.name}: ${e.reason}`);
        }
    }
    for (const e of report.errors) lines.push(`policy ${e.policy} failed on ${e.urn ?? "the stack"}: ${e.error}`);
    return lines.join("\n");
}
