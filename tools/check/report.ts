import type { EvaluationReport, ExemptionApplied } from "../../policy-pack/lib/types";
import { plural } from "../cli/output";
import { displayPath, type LoadedInput, type Origin, type Skipped } from "./manifests";

export interface CheckViolation {
    policy: string;
    severity: string;
    enforcementLevel: "advisory" | "mandatory";
    message: string;
    controls: string[];
}

export interface CheckResult {
    /** Relative to the user's directory when inside it. */
    file: string;
    kind: string;
    name: string;
    namespace?: string;
    line?: number;
    violations: CheckViolation[];
}

export interface CheckExemption {
    policy: string;
    file?: string;
    line?: number;
    kind: string;
    name: string;
    namespace?: string;
    reason: string;
}

export interface CheckSummary {
    files: number;
    resources: number;
    violations: number;
    mandatory: number;
    advisory: number;
    /** Files that could not be judged: the run exits 2. */
    errors: number;
    exemptions: CheckExemption[];
}

/** An input that could not be judged, named with its file and line. */
export interface CheckError {
    file: string;
    line?: number;
    message: string;
}

/** Which pack config judged what: the user must never have to guess. */
export interface PackConfigUsed {
    /** "manifests", or the plan file. */
    input: string;
    source: string;
}

export interface CheckOutput {
    results: CheckResult[];
    errors: CheckError[];
    skipped: Skipped[];
    packConfigs: PackConfigUsed[];
    summary: CheckSummary;
}

export const EXIT_PASS = 0;
export const EXIT_MANDATORY = 1;
export const EXIT_BAD_INPUT = 2;

/** Anything not judged is exit 2, even when what was judged passed: a scan that skipped a file is no pass. */
export function exitCodeOf(output: CheckOutput): number {
    if (output.errors.length > 0) return EXIT_BAD_INPUT;
    return output.summary.mandatory > 0 ? EXIT_MANDATORY : EXIT_PASS;
}

/** Groups the evaluator's findings per object, in input order. */
export function buildOutput(
    input: LoadedInput,
    reports: { report: EvaluationReport; stack?: { file: string; stack: string } }[],
    context: { cwd: string; packConfigs: PackConfigUsed[] },
): CheckOutput {
    const shown = (file: string) => displayPath(file, context.cwd);
    const results = new Map<string, CheckResult>();
    const resultFor = (urn: string, origin: Origin): CheckResult => {
        let r = results.get(urn);
        if (!r) {
            r = {
                file: shown(origin.file),
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
        for (const e of report.exemptions) exemptions.push(describeExemption(e, input, shown));
    }
    const errors: CheckError[] = input.errors.map((e) => ({
        file: e.file,
        ...(e.line !== undefined ? { line: e.line } : {}),
        message: e.detail,
    }));
    // A policy that threw judged nothing there, and a preview would fail on it: not judged, exit 2.
    for (const { report, stack } of reports) {
        for (const e of report.errors) {
            const origin = e.urn ? input.origins.get(e.urn) : undefined;
            errors.push({
                file: shown(origin?.file ?? stack?.file ?? context.cwd),
                ...(origin?.line ? { line: origin.line } : {}),
                message: `policy ${e.policy} could not judge ${origin ? objectName(origin) : `stack ${stack?.stack ?? ""}`}: ${e.error}`,
            });
        }
    }
    const all = [...results.values()];
    const violations = all.flatMap((r) => r.violations);
    return {
        results: all,
        errors,
        skipped: input.skipped,
        packConfigs: context.packConfigs,
        summary: {
            files: input.files,
            resources: input.origins.size,
            violations: violations.length,
            mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
            advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
            errors: errors.length,
            exemptions,
        },
    };
}

function describeExemption(e: ExemptionApplied, input: LoadedInput, shown: (file: string) => string): CheckExemption {
    const origin = input.origins.get(e.resource.urn);
    return {
        policy: e.policy,
        ...(origin ? { file: shown(origin.file) } : {}),
        ...(origin?.line ? { line: origin.line } : {}),
        kind: origin?.kind ?? e.resource.type,
        name: e.resource.name,
        ...(e.resource.namespace ? { namespace: e.resource.namespace } : {}),
        reason: e.reason,
    };
}

/** Pads every column but the last to its widest cell, so that the columns line up. */
function aligned(rows: string[][], indent: string): string[] {
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]!.length))) ?? [];
    return rows.map((row) => indent + row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join("  "));
}

const objectName = (r: { kind: string; namespace?: string; name: string }) => `${r.kind} ${r.namespace ? r.namespace + "/" : ""}${r.name}`;

export function formatCheckTable(output: CheckOutput): string {
    const lines: string[] = [];
    const withViolations = output.results.filter((r) => r.violations.length > 0);
    const rows = withViolations.flatMap((r) => r.violations.map((v) => [v.enforcementLevel, v.severity, v.policy, v.message]));
    const table = aligned(rows, "  ");
    let row = 0;
    for (const r of withViolations) {
        lines.push(`${r.file}${r.line ? ":" + r.line : ""}  ${objectName(r)}`);
        for (let i = 0; i < r.violations.length; i++) lines.push(table[row++]!);
    }
    const s = output.summary;
    if (lines.length) lines.push("");
    for (const e of output.errors) lines.push(`not judged: ${e.file}${e.line ? ":" + e.line : ""}: ${e.message}`);
    lines.push(
        `${plural(s.resources, "resource")} in ${plural(s.files, "file")}: ${plural(s.violations, "violation")} (${s.mandatory} mandatory, ${s.advisory} advisory)` +
            (s.errors ? `; ${plural(s.errors, "input")} not judged (exit 2).` : "."),
    );
    if (output.skipped.length) lines.push(`Skipped ${plural(output.skipped.length, "path")} (--format json lists them and why).`);
    for (const c of output.packConfigs) lines.push(`Pack config for ${c.input}: ${c.source}.`);
    if (s.exemptions.length) {
        lines.push("Exemptions applied:");
        lines.push(
            ...aligned(
                s.exemptions.map((e) => [e.policy, `${objectName(e)}:`, e.reason]),
                "  ",
            ),
        );
    }
    return lines.join("\n");
}
