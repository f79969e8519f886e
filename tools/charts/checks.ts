// Every check of what reaches the cluster, over one stack's rendered charts and program.
import { checkAdmission } from "./admission";
import { checkCustomResourceSchemas } from "./crd-schemas";
import { checkFlows } from "./flows";
import { checkPack } from "./pack";
import { checkStorage } from "./storage";
import type { ChartRendering, CheckResult } from "./types";

export interface StackCheck {
    stack: string;
    objects: number;
    releases: { name: string; chart: string; version: string; objects: number }[];
    checks: (CheckResult & { summary: string })[];
}

/** A check that judged nothing has not passed: empty input is a finding, never a silent pass. */
function failClosed(result: CheckResult): CheckResult {
    if (result.judged > 0) return result;
    return {
        ...result,
        findings: [
            ...result.findings,
            { check: result.check, subject: "(stack)", message: "judged nothing: the rendering holds nothing this check applies to" },
        ],
    };
}

export async function runChartChecks(rendering: ChartRendering, packConfig: unknown): Promise<StackCheck> {
    const releases = rendering.releases.map((r) => ({ name: r.name, chart: r.chart, version: r.version, objects: r.objects.length }));
    const checks: StackCheck["checks"] = [];

    const { evaluation, ...packResult } = await checkPack(rendering, packConfig);
    const pack = failClosed(packResult);
    const report = evaluation.report;
    const advisory = report.violations.filter((v) => v.enforcementLevel === "advisory").length;
    checks.push({
        ...pack,
        summary: `${pack.judged} resources judged, ${pack.findings.length} mandatory violations, ${advisory} advisory, ${report.exemptions.length} exemptions applied`,
    });

    const admission = failClosed(checkAdmission(rendering));
    checks.push({
        ...admission,
        summary: `${admission.judged} admission requests judged (rendered objects and the pods made of them after the webhooks), ${admission.findings.length} denied`,
    });

    const flows = failClosed(checkFlows(rendering));
    checks.push({
        ...flows,
        summary: `${flows.judged} flows and namespaces judged, ${flows.findings.length} findings (needed flows denied, unneeded flows open, namespaces without default deny)`,
    });

    const { notJudged, ...schemaResult } = checkCustomResourceSchemas(rendering);
    const schemas = failClosed(schemaResult);
    checks.push({
        ...schemas,
        summary: `${schemas.judged} custom resources validated against the charts' CRDs, ${schemas.findings.length} findings${notJudged.length ? `, ${notJudged.length} CEL rules not evaluable here` : ""}`,
    });

    const storage = failClosed(checkStorage(rendering));
    checks.push({
        ...storage,
        summary: `${storage.judged} volume claims judged (PersistentVolumeClaims, StatefulSet templates, Prometheus and Alertmanager storage), ${storage.findings.length} without a StorageClass the stack has`,
    });

    return { stack: rendering.stack, objects: releases.reduce((n, r) => n + r.objects, 0), releases, checks };
}
