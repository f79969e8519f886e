// The policy step over what the charts render: each Release's objects become its children, as a
// helm.sh/v4 Chart's would be, so the pack judges third-party components like the program's own.
import { evaluatePlan, type PlanEvaluation, type PlanJson } from "../../policy-pack/lib/plan";
import { planEntry, type RenderedStack } from "../render/render";
import type { ChartObject, ChartRendering, CheckResult, RenderedRelease } from "./types";

/** "Kind namespace/name (release r)": how every chart check names an object. */
export function describeObject(object: ChartObject, release: RenderedRelease): string {
    const { kind, metadata } = object.manifest;
    const where = metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name;
    return `${kind} ${where} (release ${release.name}${object.hooks.length ? `, ${object.hooks.join(",")} hook` : ""})`;
}

/** A child resource of the Release, typed and named as the Kubernetes provider types and names them. */
export function chartChildren(release: RenderedRelease): PlanJson["resources"] {
    const parentType = release.urn.split("::")[2] ?? "";
    const prefix = release.urn.split("::").slice(0, 2).join("::");
    return release.objects.map((object) => {
        const { apiVersion, kind, metadata } = object.manifest;
        const type = `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
        const name = metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name;
        return {
            type,
            name,
            urn: `${prefix}::${parentType}$${type}::${release.name}:${name}`,
            parent: release.urn,
            inputs: object.manifest,
            dependsOn: [],
        };
    });
}

/** The stack as `plan --format json` prints it, plus every chart's rendered objects as Release children. */
export function planWithCharts(program: RenderedStack, releases: RenderedRelease[]): PlanJson {
    const resources = program.resources.map(planEntry);
    return { stack: program.stack, resources: [...resources, ...releases.flatMap(chartChildren)] };
}

/** The pack over the program and its charts; each unexempted mandatory violation is a finding. */
export async function checkPack(rendering: ChartRendering, packConfig: unknown): Promise<CheckResult & { evaluation: PlanEvaluation }> {
    const evaluation = await evaluatePlan(planWithCharts(rendering.program, rendering.releases), packConfig);
    const findings = evaluation.report.violations
        .filter((v) => v.enforcementLevel === "mandatory")
        .map((v) => ({
            check: "pack" as const,
            subject: v.resource
                ? `${v.resource.type.split(":").pop()} ${v.resource.namespace ? `${v.resource.namespace}/` : ""}${v.resource.name}`
                : "(stack)",
            message: `${v.policy}: ${v.message}`,
        }));
    for (const error of evaluation.report.errors)
        findings.push({ check: "pack", subject: error.urn ?? "(stack)", message: `policy ${error.policy} failed: ${error.error}` });
    return { check: "pack", judged: evaluation.report.resourceCount, findings, evaluation };
}
