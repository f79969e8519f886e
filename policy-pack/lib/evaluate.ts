// The evaluation core: runs a policy, then applies the exemption, unknown-value and error rules once,
// for the offline evaluator below and for the pack served to the Pulumi CLI (./pulumi.ts).
import { controlLabels } from "./controls";
import { enforcementFor, findExemption, parsePackConfig, rawEntry, settingsFor, type PackConfig } from "./config";
import { exemptionTarget, namespaceOf, objectName } from "./kubernetes";
import type { AnyPolicy, EvaluationReport, Exemption, Report, Resource, ResourcePolicy, StackPolicy, Violation } from "./types";
import { containsUnknown, isObj, trackUnknownReads } from "./values";

export interface ResourceInput {
    type: string;
    name: string;
    urn?: string;
    props: unknown;
    parent?: string;
    dependencies?: string[];
}

/** A policy's typed settings and exemptions, as the pack config gives them. */
export type Settings = ReturnType<typeof settingsFor>;

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

function isThenable(value: unknown): value is PromiseLike<unknown> {
    return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}

// Shared by every outcome and judgement with nothing in a list, so that a clean verdict, the usual
// one, allocates no lists; frozen, and replaced by a list of its own on the first entry.
const NONE: never[] = Object.freeze([]) as unknown as never[];
const CLEAN: Judgement = Object.freeze({ violations: NONE, exemptions: NONE });

/** Collects a resource policy's violations into its outcome (a class: no closure per check). */
class Recorder implements Report {
    constructor(private readonly outcome: CheckOutcome) {}
    violation(message: string): void {
        if (this.outcome.violations === NONE) this.outcome.violations = [];
        this.outcome.violations.push({ message });
    }
}

function unknownPathsOf(outcome: CheckOutcome): (path: string) => void {
    return (path) => {
        if (outcome.unknownPaths === NONE) outcome.unknownPaths = [];
        outcome.unknownPaths.push(path);
    };
}

/**
 * Runs one resource policy over one resource and never throws: the outcome at once when the policy's
 * check is synchronous (every Kubernetes policy's is), a promise of it when the check returns one.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any policy, whatever its config schema
export function checkResource(policy: ResourcePolicy<any>, resource: Resource, config: unknown): CheckOutcome | Promise<CheckOutcome> {
    const outcome: CheckOutcome = { violations: NONE, unknownPaths: NONE };
    try {
        if (!policy.appliesTo(resource.type)) return outcome;
        // Only resources that carry unknowns pay for the read-tracking proxy.
        const subject = hasUnknowns(resource.props)
            ? { ...resource, props: trackUnknownReads(resource.props, unknownPathsOf(outcome)) }
            : resource;
        const done = policy.check(subject, new Recorder(outcome), config);
        if (isThenable(done)) {
            return Promise.resolve(done).then(
                () => outcome,
                (e: unknown) => ((outcome.error = errorText(e)), outcome),
            );
        }
    } catch (e) {
        outcome.error = errorText(e);
    }
    return outcome;
}

/** Runs one resource policy over one resource; never throws. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any policy, whatever its config schema
export async function runResourceCheck(policy: ResourcePolicy<any>, resource: Resource, config: unknown): Promise<CheckOutcome> {
    return checkResource(policy, resource, config);
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

/** A violation that survived the pack's rules. */
export interface JudgedViolation {
    message: string;
    /** The offending resource: the judged one, or the one a stack policy named. */
    subject?: Resource;
    /** The unknown values the verdict read; then it is never mandatory. */
    unknownValues?: string[];
}

/**
 * One policy's verdict on one resource or on the stack, after the exemption, unknown-value and error
 * rules. The offline evaluator and the Pulumi adapter only render it.
 */
export interface Judgement {
    violations: JudgedViolation[];
    exemptions: { subject: Resource; reason: string }[];
    /** The policy threw: nothing was judged, and the run fails as a preview does. */
    error?: string;
}

/** `judged` is the judged resource, or for a stack policy finds the resource a violation names. */
function applyRules(
    outcome: CheckOutcome,
    exemptions: Exemption[],
    judged: Resource | ((urn?: string) => Resource | undefined),
): Judgement {
    if (outcome.error !== undefined) return { violations: NONE, exemptions: NONE, error: outcome.error };
    if (outcome.violations.length === 0) return CLEAN;
    const judgement: Judgement = { violations: [], exemptions: [] };
    const subjectOf = typeof judged === "function" ? judged : () => judged;
    const unknownValues = outcome.unknownPaths.length > 0 ? [...new Set(outcome.unknownPaths)] : [];
    for (const v of outcome.violations) {
        const subject = subjectOf(v.urn);
        const exemption = subject && exemptions.length > 0 ? findExemption(exemptions, exemptionTarget(subject)) : undefined;
        if (exemption) {
            judgement.exemptions.push({ subject: subject!, reason: exemption.reason });
            continue;
        }
        judgement.violations.push(
            unknownValues.length > 0
                ? {
                      message: `${v.message} (depends on values not known until apply: ${unknownValues.join(", ")})`,
                      ...(subject ? { subject } : {}),
                      unknownValues,
                  }
                : { message: v.message, ...(subject ? { subject } : {}) },
        );
    }
    return judgement;
}

/** judgeResource, at once when the policy's check is synchronous. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any policy, whatever its config schema
export function judgeResourceNow(policy: ResourcePolicy<any>, resource: Resource, settings: Settings): Judgement | Promise<Judgement> {
    const outcome = checkResource(policy, resource, settings.own);
    if (outcome instanceof Promise) return outcome.then((o) => applyRules(o, settings.common.exemptions, resource));
    return applyRules(outcome, settings.common.exemptions, resource);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any policy, whatever its config schema
export async function judgeResource(policy: ResourcePolicy<any>, resource: Resource, settings: Settings): Promise<Judgement> {
    return judgeResourceNow(policy, resource, settings);
}

/** A judgement with nothing to report: no violation, no exemption applied, no error. */
export function isClean(judgement: Judgement): boolean {
    return judgement.error === undefined && judgement.violations.length === 0 && judgement.exemptions.length === 0;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any policy, whatever its config schema
export async function judgeStack(policy: StackPolicy<any>, resources: Resource[], settings: Settings): Promise<Judgement> {
    const outcome = await runStackCheck(policy, resources, settings.own);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    return applyRules(outcome, settings.common.exemptions, (urn) => (urn === undefined ? undefined : byUrn.get(urn)));
}

/** A verdict resting on a value preview cannot know is never mandatory. */
export function levelOf(v: JudgedViolation, configured: "advisory" | "mandatory"): "advisory" | "mandatory" {
    return v.unknownValues ? "advisory" : configured;
}

/** Whether the run fails: a mandatory violation or a policy that threw, either of which blocks `pulumi preview`. */
export function blocks(report: EvaluationReport): boolean {
    return report.hasMandatory || report.errors.length > 0;
}

export interface EvaluateOptions {
    policies: AnyPolicy[];
    /** Stack policies need the whole stack; plain manifests are judged resource by resource. */
    stackPolicies?: boolean;
}

export async function evaluate(inputs: ResourceInput[], packConfig: unknown, options: EvaluateOptions): Promise<EvaluationReport> {
    const config: PackConfig = parsePackConfig(packConfig, options.policies);
    const resources = inputs.map(toResource);
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
        const configured = level === "advisory" ? "advisory" : "mandatory";

        const record = (judgement: Judgement, urn?: string): void => {
            if (judgement.error !== undefined) report.errors.push({ policy: policy.name, ...(urn ? { urn } : {}), error: judgement.error });
            for (const e of judgement.exemptions) {
                report.exemptions.push({ policy: policy.name, resource: describeResource(e.subject), reason: e.reason });
            }
            for (const v of judgement.violations) {
                const violation: Violation = {
                    policy: policy.name,
                    description: policy.description,
                    severity: policy.severity,
                    enforcementLevel: levelOf(v, configured),
                    message: v.message,
                    remediation: policy.remediation,
                    controls: controlLabels(policy.controls),
                    ...(v.subject ? { resource: describeResource(v.subject) } : {}),
                    ...(v.unknownValues ? { unknownValues: v.unknownValues } : {}),
                };
                if (violation.enforcementLevel === "mandatory") report.hasMandatory = true;
                report.violations.push(violation);
            }
        };

        if (policy.kind === "resource") {
            for (const resource of resources) {
                if (!policy.appliesTo(resource.type)) continue;
                record(await judgeResource(policy, resource, settings), resource.urn);
            }
        } else {
            record(await judgeStack(policy, resources, settings));
        }
    }
    return report;
}
