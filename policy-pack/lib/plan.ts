// The policy step of `npm run plan`: the rendered stack (plan --format json) judged by the pack.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { PackConfigError } from "./config";
import { evaluate, type ResourceInput } from "./evaluate";
import { formatTable } from "./format";
import type { EvaluationReport } from "./types";
import { allPolicies } from "../policies";
import { isObj, UNKNOWN_STRING } from "./values";

export const planSchema = z.object({
    stack: z.string(),
    resources: z.array(
        z
            .object({
                type: z.string(),
                name: z.string(),
                urn: z.string(),
                parent: z.string().optional(),
                inputs: z.record(z.string(), z.unknown()).default({}),
                protect: z.boolean().optional(),
                dependsOn: z.array(z.string()).optional(),
            })
            .passthrough(),
    ),
});
export type PlanJson = z.infer<typeof planSchema>;

export function isPlanJson(value: unknown): boolean {
    return (
        typeof value === "object" &&
        value !== null &&
        "stack" in value &&
        "resources" in value &&
        Array.isArray((value as { resources: unknown }).resources)
    );
}

// The renderer prints values not known until apply as "[unknown]"; they become the engine's
// sentinel again so the pack treats them exactly as it does at preview.
const RENDERED_UNKNOWN = "[unknown]";

function restoreUnknowns(value: unknown): unknown {
    if (value === RENDERED_UNKNOWN) return UNKNOWN_STRING;
    if (Array.isArray(value)) return value.map(restoreUnknowns);
    if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreUnknowns(v)]));
    return value;
}

export function planResources(plan: PlanJson): ResourceInput[] {
    return plan.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: restoreUnknowns(r.inputs),
        ...(r.parent ? { parent: r.parent } : {}),
        dependencies: r.dependsOn ?? [],
    }));
}

export interface PlanEvaluation {
    stack: string;
    report: EvaluationReport;
    hasMandatory: boolean;
}

/** Judges a rendered stack, stack policies included. Throws on a malformed plan or pack config. */
export async function evaluatePlan(planJson: unknown, packConfig: unknown = {}): Promise<PlanEvaluation> {
    const parsed = planSchema.safeParse(planJson);
    if (!parsed.success) {
        throw new Error(`not a rendered plan: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    const report = await evaluate(planResources(parsed.data), packConfig, { policies: allPolicies, stackPolicies: true });
    return { stack: parsed.data.stack, report, hasMandatory: report.hasMandatory };
}

/** The per-stack pack config (`policy-pack/config/<stack>.json`), the same file `pulumi preview --policy-pack-config` reads. */
export function stackPolicyConfigPath(stack: string): string {
    return join(__dirname, "..", "config", `${stack}.json`);
}

export function readStackPolicyConfig(stack: string): unknown {
    const file = stackPolicyConfigPath(stack);
    if (!existsSync(file)) return {};
    try {
        return JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
        throw new PackConfigError(`${file}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
}

export function formatPlanEvaluation(result: PlanEvaluation): string {
    return `Policy pack over stack "${result.stack}":\n${formatTable(result.report)}`;
}
