// Runs each mutation against the policy pack: a mutation is killed when the mutated stack has a
// mandatory violation that the unmutated stack does not.
import { evaluatePlan, readStackPolicyConfig } from "../../policy-pack/lib/plan";
import type { Violation } from "../../policy-pack/lib/types";
import { renderStack, type RenderedResource, type RenderedStack } from "../../tools/render/render";
import { hasEks, referenceProblems } from "../../test/helpers/references";
import type { Mutation } from "./mutations";

export interface MutationResult {
    mutation: Mutation;
    killed: boolean;
    /** Policies that reported a new mandatory violation, and reference checks that found a new broken reference. */
    killedBy: string[];
}

const referenceKeys = (resources: readonly RenderedResource[]) =>
    new Set(hasEks(resources) ? referenceProblems(resources).map((p) => `${p.check}\u0000${p.problem}`) : []);

function mandatoryKeys(violations: Violation[]): Set<string> {
    return new Set(
        violations
            .filter((v) => v.enforcementLevel === "mandatory")
            .map((v) => `${v.policy}\u0000${v.resource?.urn ?? ""}\u0000${v.message}`),
    );
}

export interface MutationBaseline {
    stack: string;
    resources: RenderedResource[];
    packConfig: unknown;
    mandatory: Set<string>;
    /** Broken references of the unmutated stack (none, in a stack that works). */
    references: Set<string>;
}

/** Judges the rendered stack unmutated (rendering it, unless given). */
export async function baseline(stack: string, rendered?: RenderedStack): Promise<MutationBaseline> {
    rendered ??= await renderStack(stack);
    const packConfig = readStackPolicyConfig(stack);
    const { report } = await evaluatePlan({ stack, resources: rendered.resources }, packConfig);
    if (report.errors.length > 0) throw new Error(`the pack failed on the unmutated stack: ${JSON.stringify(report.errors)}`);
    return {
        stack,
        resources: rendered.resources,
        packConfig,
        mandatory: mandatoryKeys(report.violations),
        references: referenceKeys(rendered.resources),
    };
}

export async function runMutation(base: MutationBaseline, mutation: Mutation): Promise<MutationResult> {
    const mutated = mutation.apply(base.resources);
    if (JSON.stringify(mutated) === JSON.stringify(base.resources)) throw new Error(`mutation ${mutation.id} changed nothing`);
    const { report } = await evaluatePlan({ stack: base.stack, resources: mutated }, base.packConfig);
    if (report.errors.length > 0) throw new Error(`mutation ${mutation.id}: a policy threw: ${JSON.stringify(report.errors)}`);
    const fresh = report.violations.filter((v) => v.enforcementLevel === "mandatory" && !base.mandatory.has([...mandatoryKeys([v])][0]!));
    const broken = [...referenceKeys(mutated)].filter((key) => !base.references.has(key)).map((key) => key.split("\u0000")[0]!);
    const killedBy = [...new Set([...fresh.map((v) => v.policy), ...broken])].sort();
    return { mutation, killed: killedBy.length > 0, killedBy };
}
