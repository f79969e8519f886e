// Judges nothing: for each resource it reports exactly the findings the benchmark recorded from the
// real pack (file named by REPLAY_FINDINGS), through policies of the same names, descriptions, levels
// and severities. What it costs over the empty pack is what @pulumi/policy's server itself costs to
// serve those findings, the floor under any pack that reports them.
import { readFileSync } from "node:fs";
import { PolicyPack, type ResourceValidationPolicy } from "@pulumi/policy";
import type { ReplayedFindings } from "../replay";

const file = process.env.REPLAY_FINDINGS;
if (!file) throw new Error("REPLAY_FINDINGS must name the JSON file of findings to replay");
const recorded = JSON.parse(readFileSync(file, "utf8")) as ReplayedFindings;

const policies: ResourceValidationPolicy[] = recorded.policies.map((p) => ({
    name: p.name,
    description: p.description,
    enforcementLevel: p.enforcementLevel,
    severity: p.severity,
    validateResource: (args, reportViolation) => {
        for (const f of recorded.findings[args.urn] ?? []) if (f.policy === p.name) reportViolation(f.message, f.urn || undefined);
    },
}));

new PolicyPack(recorded.packName, { policies });
