// The policy step of `npm run plan`: the rendered stack (plan --format json) judged by the pack.
import { z } from "zod";
import { evaluate, type ResourceInput } from "./evaluate";
import { formatTable } from "./format";
import type { EvaluationReport } from "./types";
import { allPolicies } from "../policies";

export const planSchema = z.object({
    stack: z.string(),
    resources: z.array(
        z.object({
            type: z.string(),
            name: z.string(),
            urn: z.string(),
            parent: z.string().optional(),
            inputs: z.record(z.string(), z.unknown()).default({}),
            protect: z.boolean().optional(),
            dependsOn: z.array(z.string()).optional(),
        }).passthrough(),
    ),
});
export type PlanJson = z.infer<typeof planSchema>;

export function isPlanJson(value: unknown): boolean {
    return typeof value === "object" && value !== null && "stack" in value && "resources" in value && Array.isArray((value as { resources: unknown }).resources);
}

export function planResources(plan: PlanJson): ResourceInput[] {
    return plan.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.inputs,
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

export function formatPlanEvaluation(result: PlanEvaluation): string {
    return `Policy pack over stack "${result.stack}":\n${formatTable(result.report)}`;
}
