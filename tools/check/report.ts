import type { EvaluationReport, ExemptionApplied } from "../../policy-pack/lib/types";
import type { LoadedInput, Origin } from "./manifests";

export interface CheckViolation {
    policy: string;
    severity: string;
    enforcementLevel: "advisory" | "mandatory";
    message: string;
    controls: string[];
}

export interface CheckResult {
    file: string;
    kind: string;
    name: string;
    namespace?: string;
    line?: number;
    violations: CheckViolation[];
}

export interface CheckSummary {
    files: number;
    resources: number;
    violations: number;
    mandatory: number;
    advisory: number;
    exemptions: { policy: string; file?: string; kind: string; name: string; namespace?: string; reason: string }[];
}

export interface CheckOutput {
    results: CheckResult[];
    summary: CheckSummary;
}

/** Groups the evaluator's findings per object, in input order. */
export function buildOutput(
    input: LoadedInput,
    reports: { report: EvaluationReport; stack?: { file: string; stack: string } }[],
): CheckOutput {
    const results = new Map<string, CheckResult>();
    const resultFor = (urn: string, origin: Origin): CheckResult => {
        let r = results.get(urn);
        if (!r) {
            r = {
                file: origin.file,
                kind: origin.kind,
                name: origin.name,
                ...(origin.namespace ? { namespace: origin.namespace } : {}),
                ...(origin.line ? { line: origin.line } : {}),
                violations: [],
            };
            results.set(urn, r);
        }
        return r;
    };
    for (const [urn, origin] of input.origins) resultFor(urn, origin);
    const exemptions: CheckSummary["exemptions"] = [];
    for (const { report, stack } of reports) {
        for (const v of report.violations) {
            const origin = v.resource ? input.origins.get(v.resource.urn) : undefined;
            const target = origin
                ? resultFor(v.resource!.urn, origin)
                : resultFor(`stack:${stack?.file}`, { file: stack?.file ?? "", kind: "Stack", name: stack?.stack ?? "" });
            target.violations.push({
                policy: v.policy,
                severity: v.severity,
                enforcementLevel: v.enforcementLevel,
                message: v.message,
                controls: v.controls,
            });
        }
        for (const e of report.exemptions) exemptions.push(describeExemption(e, input));
    }
    const all = [...results.values()];
    const violations = all.flatMap((r) => r.violations);
    return {
        results: all,
        summary: {
            files: new Set(all.map((r) => r.file)).size,
            resources: input.origins.size,
            violations: violations.length,
            mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
            advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
            exemptions,
        },
    };
}

function describeExemption(e: ExemptionApplied, input: LoadedInput): CheckSummary["exemptions"][number] {
    const origin = input.origins.get(e.resource.urn);
    return {
        policy: e.policy,
        ...(origin ? { file: origin.file } : {}),
        kind: origin?.kind ?? e.resource.type,
        name: e.resource.name,
        ...(e.resource.namespace ? { namespace: e.resource.namespace } : {}),
        reason: e.reason,
    };
}

export function formatCheckTable(output: CheckOutput): string {
    const lines: string[] = [];
    for (const r of output.results) {
        if (r.violations.length === 0) continue;
        lines.push(`${r.file}${r.line ? ":" + r.line : ""}  ${r.kind} ${r.namespace ? r.namespace + "/" : ""}${r.name}`);
        for (const v of r.violations) lines.push(`  ${v.enforcementLevel.padEnd(9)} ${v.severity.padEnd(8)} ${v.policy}  ${v.message}`);
    }
    const s = output.summary;
    if (lines.length) lines.push("");
    lines.push(
        `${s.resources} resources in ${s.files} files: ${s.violations} violations (${s.mandatory} mandatory, ${s.advisory} advisory).`,
    );
    if (s.exemptions.length) {
        lines.push("Exemptions applied:");
        for (const e of s.exemptions) lines.push(`  ${e.policy}  ${e.kind} ${e.namespace ? e.namespace + "/" : ""}${e.name}: ${e.reason}`);
    }
    return lines.join("\n");
}
