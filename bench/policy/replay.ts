// Records what the real pack reports for some resources, for the replay pack (./replay-pack) to
// report again without judging.
import { EnforcementLevel, PolicySeverity, type AnalyzeResponse } from "@pulumi/pulumi/proto/analyzer_pb";
import type { Severity } from "@pulumi/policy";

type Level = "advisory" | "mandatory";

export interface ReplayedFindings {
    packName: string;
    policies: { name: string; description: string; enforcementLevel: Level; severity?: Severity }[];
    /** By URN of the analysed resource: each finding's policy, message (the engine prefixes the description) and URN. */
    findings: Record<string, { policy: string; message: string; urn: string }[]>;
}

const LEVELS: Partial<Record<number, Level>> = {
    [EnforcementLevel.ADVISORY]: "advisory",
    [EnforcementLevel.MANDATORY]: "mandatory",
};
const SEVERITIES: Partial<Record<number, Severity>> = {
    [PolicySeverity.POLICY_SEVERITY_LOW]: "low",
    [PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
    [PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
    [PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

/** The findings of each response, keyed by the URN of the resource it answered for. */
export function recordFindings(packName: string, responses: { urn: string; response: AnalyzeResponse }[]): ReplayedFindings {
    const policies = new Map<string, ReplayedFindings["policies"][number]>();
    const findings: ReplayedFindings["findings"] = {};
    for (const { urn, response } of responses) {
        for (const d of response.getDiagnosticsList()) {
            const level = LEVELS[d.getEnforcementlevel()];
            if (!level) throw new Error(`${d.getPolicyname()}: cannot replay a finding at enforcement level ${d.getEnforcementlevel()}`);
            const severity = SEVERITIES[d.getSeverity()];
            policies.set(d.getPolicyname(), {
                name: d.getPolicyname(),
                description: d.getDescription(),
                enforcementLevel: level,
                ...(severity ? { severity } : {}),
            });
            const prefix = `${d.getDescription()}\n`;
            const message = d.getMessage().startsWith(prefix) ? d.getMessage().slice(prefix.length) : d.getMessage();
            (findings[urn] ??= []).push({ policy: d.getPolicyname(), message, urn: d.getUrn() });
        }
    }
    return { packName, policies: [...policies.values()], findings };
}

/** What a response reports, without the pack's name and version, for comparing two packs' answers. */
export function reported(response: AnalyzeResponse): string[] {
    return response
        .getDiagnosticsList()
        .map((d) =>
            [d.getPolicyname(), d.getDescription(), d.getMessage(), d.getEnforcementlevel(), d.getSeverity(), d.getUrn()].join(" | "),
        );
}
