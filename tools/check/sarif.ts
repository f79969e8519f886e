import type * as Sarif from "sarif";
import type { AnyPolicy } from "../../policy-pack/lib/types";
import { controlLabels } from "../../policy-pack/lib/controls";
import type { CheckResult } from "./report";

const LEVEL: Record<string, Sarif.Result.level> = { mandatory: "error", advisory: "warning" };
// GitHub code scanning orders alerts by security-severity (0-10).
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

/** SARIF 2.1.0 for code scanning: one rule per policy, one result per violation, located at the manifest. */
export function toSarif(results: CheckResult[], policies: AnyPolicy[], version: string): Sarif.Log {
    const used = new Set(results.flatMap((r) => r.violations.map((v) => v.policy)));
    const rules: Sarif.ReportingDescriptor[] = policies
        .filter((p) => used.has(p.name))
        .map((p) => ({
            id: p.name,
            name: p.name.replace(/[^A-Za-z0-9]+/g, "-"),
            shortDescription: { text: p.description },
            help: { text: p.remediation },
            defaultConfiguration: { level: p.enforcementLevel === "advisory" ? "warning" : "error" },
            properties: { tags: ["security", ...controlLabels(p.controls)], "security-severity": SECURITY_SEVERITY[p.severity] },
        }));
    const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
    const sarifResults: Sarif.Result[] = results.flatMap((r) =>
        r.violations.map((v) => ({
            ruleId: v.policy,
            ruleIndex: ruleIndex.get(v.policy)!,
            level: LEVEL[v.enforcementLevel],
            message: { text: `${r.kind} ${r.namespace ? r.namespace + "/" : ""}${r.name}: ${v.message}` },
            locations: [
                {
                    physicalLocation: {
                        artifactLocation: { uri: r.file.split("\\").join("/") },
                        region: { startLine: r.line ?? 1 },
                    },
                    logicalLocations: [{ name: r.name, kind: "resource", fullyQualifiedName: `${r.kind}/${r.namespace ?? ""}/${r.name}` }],
                },
            ],
        })),
    );
    return {
        version: "2.1.0",
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [
            {
                tool: {
                    driver: {
                        name: "secure-platform-policies",
                        version,
                        informationUri: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
                        rules,
                    },
                },
                results: sarifResults,
            },
        ],
    };
}
