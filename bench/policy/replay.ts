// Records what the real pack reports for some resources, for the replay pack (./replay-pack) to
// report again without judging, and starts it.
import { deepStrictEqual } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnforcementLevel, PolicySeverity, type AnalyzeResponse } from "@pulumi/pulumi/proto/analyzer_pb";
import type { Severity } from "@pulumi/policy";
import { analyze, startPack, urnOf, type AnalyzedResource, type RunningPack, type StartMode } from "../../tools/policy-server/analyzer";

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

/** The findings of each response, keyed by the URN of the resource it answered for, under the pack's own name. */
export function recordFindings(responses: { urn: string; response: AnalyzeResponse }[]): ReplayedFindings {
    let packName = "replay-pack";
    const policies = new Map<string, ReplayedFindings["policies"][number]>();
    const findings: ReplayedFindings["findings"] = {};
    for (const { urn, response } of responses) {
        for (const d of response.getDiagnosticsList()) {
            packName = d.getPolicypackname();
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

/**
 * The replay pack, reporting what `ours` reports for `resources` without judging; checked to answer
 * each of them exactly as `ours` does.
 */
export async function startReplay(ours: RunningPack, resources: AnalyzedResource[], mode: StartMode = "cli"): Promise<RunningPack> {
    const responses = [];
    for (const r of resources) responses.push({ urn: urnOf(r), response: await analyze(ours.client, r) });
    const dir = mkdtempSync(join(tmpdir(), "replay-"));
    let replay: RunningPack;
    try {
        const file = join(dir, "findings.json");
        writeFileSync(file, JSON.stringify(recordFindings(responses)));
        process.env.REPLAY_FINDINGS = file;
        replay = await startPack(join(__dirname, "replay-pack"), mode);
    } finally {
        delete process.env.REPLAY_FINDINGS;
        rmSync(dir, { recursive: true });
    }
    for (const [i, r] of resources.entries()) {
        deepStrictEqual(
            reported(await analyze(replay.client, r)),
            reported(responses[i].response),
            `the replay pack answers ${r.name} as ours does`,
        );
    }
    return replay;
}
