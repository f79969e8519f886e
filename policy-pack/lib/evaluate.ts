// The in-process evaluator: the pack's policies over a list of resources, with the same config,
// exemptions and unknown-value rules as the pack served to the Pulumi CLI.
import { controlLabels } from "./controls";
import { enforcementFor, findExemption, parsePackConfig, rawEntry, settingsFor, type PackConfig } from "./config";
import { exemptionTarget, namespaceOf, objectName } from "./kubernetes";
import type { AnyPolicy, EvaluationReport, Resource, ResourcePolicy, StackPolicy, Violation } from "./types";
import { containsUnknown, isObj, trackUnknownReads } from "./values";

export interface ResourceInput {
    type: string;
    name: string;
    urn?: string;
    props: unknown;
    parent?: string;
    dependencies?: string[];
}

export interface CheckOutcome {
    violations: { message: string; urn?: string }[];
    /** Paths of unknown values the policy read while judging. */
    unknownPaths: string[];
    /** Set when the policy threw; policies must not, and the tests hold them to it. */
    error?: string;
}

export function toResource(input: ResourceInput): Resource {
    const type = String(input.type);
    const name = String(input.name);
    return {
        type,
        name,
        urn: input.urn ?? `urn:pulumi:offline::offline::${type}::${name}`,
        props: isObj(input.props) ? input.props : {},
        ...(input.parent ? { parent: input.parent } : {}),
        dependencies: Array.isArray(input.dependencies) ? input.dependencies.map(String) : [],
    };
}

function errorText(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}

// Every policy asks whether a resource carries unknowns; the answer is computed once per resource.
const unknownsCache = new WeakMap<object, boolean>();
function hasUnknowns(props: Record<string, unknown>): boolean {
    let known = unknownsCache.get(props);
    if (known === undefined) unknownsCache.set(props, (known = containsUnknown(props)));
    return known;
}

/** Runs one resource policy over one resource; never throws. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any policy, whatever its config schema
export async function runResourceCheck(policy: ResourcePolicy<any>, resource: Resource, config: unknown): Promise<CheckOutcome> {
    const outcome: CheckOutcome = { violations: [], unknownPaths: [] };
    try {
        if (!policy.appliesTo(resource.type)) return outcome;
        // Only resources that carry unknowns pay for the read-tracking proxy.
        const props = hasUnknowns(resource.props) ? trackUnknownReads(resource.props, (p) => outcome.unknownPaths.push(p)) : resource.props;
        await policy.check({ ...resource, props }, { violation: (message) => outcome.violations.push({ message }) }, config);
    } catch (e) {
        outcome.error = errorText(e);
    }
    return outcome;
}

/** Runs one stack policy over all resources; never throws. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any policy, whatever its config schema
export async function runStackCheck(policy: StackPolicy<any>, resources: Resource[], config: unknown): Promise<CheckOutcome> {
    const outcome: CheckOutcome = { violations: [], unknownPaths: [] };
    try {
        const tracked = resources.map((r) =>
            hasUnknowns(r.props) ? { ...r, props: trackUnknownReads(r.props, (p) => outcome.unknownPaths.push(`${r.name}.${p}`)) } : r,
        );
        await policy.check(tracked, { violation: (message, urn) => outcome.violations.push({ message, ...(urn ? { urn } : {}) }) }, config);
    } catch (e) {
        outcome.error = errorText(e);
    }
    return outcome;
}

export function describeResource(r: Resource): { type: string; name: string; urn: string; namespace?: string } {
    const namespace = namespaceOf(r.type, r.props);
    return { type: r.type, name: objectName(r.props, r.name), urn: r.urn, ...(namespace ? { namespace } : {}) };
}

export interface EvaluateOptions {
    policies: AnyPolicy[];
    /** Stack policies need the whole stack; plain manifests are judged resource by resource. */
    stackPolicies?: boolean;
}

export async function evaluate(inputs: ResourceInput[], packConfig: unknown, options: EvaluateOptions): Promise<EvaluationReport> {
    const config: PackConfig = parsePackConfig(packConfig, options.policies);
    const resources = inputs.map(toResource);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const report: EvaluationReport = {
        violations: [],
        exemptions: [],
        errors: [],
        hasMandatory: false,
        resourceCount: resources.length,
        policyCount: 0,
    };

    for (const policy of options.policies) {
        const level = enforcementFor(policy, config);
        if (level === "disabled") continue;
        if (policy.kind === "stack" && options.stackPolicies === false) continue;
        report.policyCount++;
        const settings = settingsFor(policy, rawEntry(policy, config));
        const effective = level === "advisory" ? "advisory" : "mandatory";

        const record = (outcome: CheckOutcome, subject: Resource | undefined, urn?: string): void => {
            if (outcome.error) report.errors.push({ policy: policy.name, ...(urn ? { urn } : {}), error: outcome.error });
            for (const v of outcome.violations) {
                const target = v.urn ? byUrn.get(v.urn) : subject;
                if (target) {
                    const exemption = findExemption(settings.common.exemptions, exemptionTarget(target));
                    if (exemption) {
                        report.exemptions.push({ policy: policy.name, resource: describeResource(target), reason: exemption.reason });
                        continue;
                    }
                }
                const unknown = outcome.unknownPaths.length > 0;
                const violation: Violation = {
                    policy: policy.name,
                    description: policy.description,
                    severity: policy.severity,
                    // A verdict that read a value preview cannot know is never mandatory.
                    enforcementLevel: unknown ? "advisory" : effective,
                    message: unknown
                        ? `${v.message} (depends on values not known until apply: ${[...new Set(outcome.unknownPaths)].join(", ")})`
                        : v.message,
                    remediation: policy.remediation,
                    controls: controlLabels(policy.controls),
                    ...(target ? { resource: describeResource(target) } : {}),
                    ...(unknown ? { unknownValues: [...new Set(outcome.unknownPaths)] } : {}),
                };
                if (violation.enforcementLevel === "mandatory") report.hasMandatory = true;
                report.violations.push(violation);
            }
        };

        if (policy.kind === "resource") {
            for (const resource of resources) {
                if (!policy.appliesTo(resource.type)) continue;
                const outcome = await runResourceCheck(policy, resource, settings.own);
                record(outcome, resource, resource.urn);
            }
        } else {
            record(await runStackCheck(policy, resources, settings.own), undefined);
        }
    }
    return report;
}
