import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Sarif from "sarif";
import { controlLabels } from "../../policy-pack/lib/controls";
import type { AnyPolicy } from "../../policy-pack/lib/types";
import { REPO_ROOT } from "../render/stack-file";
import type { CheckOutput } from "./report";

const LEVEL: Record<string, Sarif.Result.level> = { mandatory: "error", advisory: "warning" };
// GitHub code scanning orders alerts by security-severity (0-10).
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };
// GitHub code scanning's limits: it shows 10 tags per rule and refuses a run of more than 25,000 results.
export const MAX_TAGS = 10;
export const MAX_RESULTS = 25_000;
const BASE_ID = "ROOT";

export interface SarifContext {
    /** The user's directory: result files are relative to it. */
    cwd: string;
    /** URIs are relative to this folder (`originalUriBaseIds.ROOT`). */
    base: string;
}

/** Relative to the base and percent-encoded (spaces, `#`, `%`), or an absolute file URI outside it. */
function artifactLocation(file: string, context: SarifContext): Sarif.ArtifactLocation {
    const absolute = resolve(context.cwd, file);
    const rel = relative(context.base, absolute);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return { uri: pathToFileURL(absolute).href };
    return { uri: rel.split(sep).map(encodeURIComponent).join("/"), uriBaseId: BASE_ID };
}

/** Where each rule is documented: the checked-out commit on GitHub, the local copy elsewhere. */
function helpUri(): string {
    const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_SHA: sha } = process.env;
    if (server && repository && sha) return `${server}/${repository}/blob/${sha}/policy-pack/README.md#policies`;
    return `${pathToFileURL(join(REPO_ROOT, "policy-pack", "README.md")).href}#policies`;
}

/** "security", then the frameworks, then their controls, at most MAX_TAGS: the full list is in properties.controls. */
function tagsOf(policy: AnyPolicy): string[] {
    const frameworks = Object.entries(policy.controls)
        .filter(([, ids]) => (ids ?? []).length > 0)
        .map(([framework]) => framework);
    return [...new Set(["security", ...frameworks, ...controlLabels(policy.controls)])].slice(0, MAX_TAGS);
}

function rule(policy: AnyPolicy): Sarif.ReportingDescriptor {
    const controls = controlLabels(policy.controls);
    return {
        id: policy.name,
        name: policy.name.replace(/[^A-Za-z0-9]+/g, "-"),
        shortDescription: { text: policy.description },
        fullDescription: {
            text: `${policy.description} Severity ${policy.severity}, ${policy.enforcementLevel} by default.${controls.length ? ` Controls: ${controls.join(", ")}.` : ""}`,
        },
        help: { text: policy.remediation },
        helpUri: helpUri(),
        defaultConfiguration: { level: policy.enforcementLevel === "advisory" ? "warning" : "error" },
        properties: { tags: tagsOf(policy), "security-severity": SECURITY_SEVERITY[policy.severity], controls },
    };
}

/** Stable across line moves and reformatting: the rule and the object it is about. */
function fingerprint(parts: (string | undefined)[]): Record<string, string> {
    return {
        "objectHash/v1": createHash("sha256")
            .update(parts.map((p) => p ?? "").join("\u0000"))
            .digest("hex")
            .slice(0, 32),
    };
}

interface Finding {
    policy: string;
    level: Sarif.Result.level;
    message: string;
    file?: string;
    line?: number;
    kind: string;
    namespace?: string;
    name: string;
    suppression?: string;
}

/**
 * SARIF 2.1.0 for code scanning: one rule per policy, one result per violation located at the manifest (or
 * the program file that declared a planned resource), exemptions as suppressed results with their reason.
 */
export function toSarif(output: CheckOutput, policies: AnyPolicy[], version: string, context: SarifContext): Sarif.Log {
    const objectName = (f: { kind: string; namespace?: string; name: string }) =>
        `${f.kind} ${f.namespace ? f.namespace + "/" : ""}${f.name}`;
    const findings: Finding[] = [
        ...output.results.flatMap((r) =>
            r.violations.map((v) => ({
                ...r,
                policy: v.policy,
                level: LEVEL[v.enforcementLevel]!,
                message: `${objectName(r)}: ${v.message}`,
            })),
        ),
        ...output.summary.exemptions.map((e) => ({
            ...e,
            level: "note" as const,
            message: `${objectName(e)}: exempted from ${e.policy}: ${e.reason}`,
            suppression: e.reason,
        })),
    ];
    // Errors first, so that a cut drops the least important results.
    const order: Record<string, number> = { error: 0, warning: 1, note: 2 };
    findings.sort((a, b) => order[a.level]! - order[b.level]! + (a.suppression ? 1 : 0) - (b.suppression ? 1 : 0));
    const kept = findings.slice(0, MAX_RESULTS);

    const used = new Set(kept.map((f) => f.policy));
    const rules = policies.filter((p) => used.has(p.name)).map(rule);
    const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
    const results: Sarif.Result[] = kept.map((f) => ({
        ruleId: f.policy,
        ruleIndex: ruleIndex.get(f.policy)!,
        level: f.level,
        message: { text: f.message },
        locations: [
            {
                ...(f.file
                    ? { physicalLocation: { artifactLocation: artifactLocation(f.file, context), region: { startLine: f.line ?? 1 } } }
                    : {}),
                logicalLocations: [{ name: f.name, kind: "resource", fullyQualifiedName: `${f.kind}/${f.namespace ?? ""}/${f.name}` }],
            },
        ],
        partialFingerprints: fingerprint([f.policy, f.kind, f.namespace, f.name, f.file]),
        ...(f.suppression !== undefined ? { suppressions: [{ kind: "external", status: "accepted", justification: f.suppression }] } : {}),
    }));

    const notifications: Sarif.Notification[] = output.errors.map((e) => ({
        level: "error",
        message: { text: `not judged: ${e.message}` },
        // An error about the input as a whole (nothing to judge) has no one file to point at.
        ...(existsSync(resolve(context.cwd, e.file))
            ? {
                  locations: [
                      {
                          physicalLocation: {
                              artifactLocation: artifactLocation(e.file, context),
                              ...(e.line ? { region: { startLine: e.line } } : {}),
                          },
                      },
                  ],
              }
            : {}),
    }));
    if (findings.length > kept.length) {
        notifications.push({
            level: "warning",
            message: {
                text: `${findings.length - kept.length} of ${findings.length} results were cut: code scanning accepts at most ${MAX_RESULTS} per run (--format json has them all)`,
            },
        });
    }
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
                originalUriBaseIds: { [BASE_ID]: { uri: pathToFileURL(join(context.base, sep)).href } },
                invocations: [{ executionSuccessful: output.errors.length === 0, toolExecutionNotifications: notifications }],
                results,
            },
        ],
    };
}
