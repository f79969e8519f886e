// Adapts the pack's policies to @pulumi/policy: the evaluation core (./evaluate.ts) judges, and this
// file only renders its judgement the way the engine expects it.
import {
    UnknownValueError,
    type Policies,
    type PolicyResource,
    type ResourceValidationArgs,
    type ResourceValidationPolicy,
    type ReportViolation,
    type StackValidationPolicy,
    type PolicyComplianceFramework,
} from "@pulumi/policy";
import { controlLabels } from "./controls";
import { pulumiConfigSchema, settingsFor } from "./config";
import { describeResource, judgeResource, judgeStack, type Judgement } from "./evaluate";
import type { AnyPolicy, Resource } from "./types";
import { UNKNOWN_STRING } from "./values";

// The engine hands policies a proxy that throws on unknown values; our policies read the plain
// values and track unknowns themselves, so they never throw on them.
function plainProps(props: Record<string, unknown>): Record<string, unknown> {
    const proxied = props as Record<string, unknown> & { __isSpecialProxy?: boolean; __getSpecialProxyTarget?: Record<string, unknown> };
    return proxied.__isSpecialProxy === true && proxied.__getSpecialProxyTarget ? proxied.__getSpecialProxyTarget : props;
}

function framework(policy: AnyPolicy): PolicyComplianceFramework | undefined {
    const pss = policy.controls.PSS?.[0];
    if (pss) return { name: "Pod Security Standards", version: "v1.34", reference: pss, specification: policy.description };
    const cis = policy.controls["CIS EKS"]?.[0];
    if (cis) return { name: "CIS Amazon EKS Benchmark", version: "1.7.0", reference: cis, specification: policy.description };
    const soc2 = policy.controls["SOC 2"]?.[0];
    if (soc2) return { name: "SOC 2", version: "2017 TSC", reference: soc2, specification: policy.description };
    return undefined;
}

function metadata(policy: AnyPolicy) {
    const fw = framework(policy);
    return {
        name: policy.name,
        description: policy.description,
        enforcementLevel: policy.enforcementLevel,
        severity: policy.severity,
        remediationSteps: policy.remediation,
        tags: controlLabels(policy.controls),
        configSchema: pulumiConfigSchema(policy),
        ...(fw ? { framework: fw } : {}),
    };
}

/** A resource as reports name it: namespace/name. */
function shownName(r: Resource): string {
    const { namespace, name } = describeResource(r);
    return namespace ? `${namespace}/${name}` : name;
}

/**
 * Renders a judgement through the engine's own channels: a violation at the policy's configured level;
 * one resting on unknown values as the engine's advisory "can't run during preview"; a policy that threw
 * as an error, which fails the preview; exemptions as "not applicable", with their reasons.
 */
function render(judgement: Judgement, subject: string, args: { notApplicable(reason?: string): never }, report: ReportViolation): void {
    if (judgement.error !== undefined) throw new Error(`could not judge ${subject}: ${judgement.error}`);
    const exempt = judgement.exemptions.map((e) => `exempt: ${shownName(e.subject)}: ${e.reason}`);
    const pending = judgement.violations.filter((v) => v.unknownValues);
    for (const v of judgement.violations) if (!v.unknownValues) report(v.message, v.subject?.urn);
    if (pending.length > 0) {
        const error = new UnknownValueError(UNKNOWN_STRING, pending[0].unknownValues![0].split("."));
        error.message = [...pending.map((v) => v.message), ...exempt].join("; ");
        throw error;
    }
    if (exempt.length > 0) args.notApplicable(exempt.join("; "));
}

function resourceOf(args: ResourceValidationArgs): Resource {
    return { type: args.type, name: args.name, urn: args.urn, props: plainProps(args.props), dependencies: [] };
}

export function toPulumiPolicy(policy: AnyPolicy): ResourceValidationPolicy | StackValidationPolicy {
    if (policy.kind === "resource") {
        return {
            ...metadata(policy),
            // Not async: a policy that does not apply returns at once, without a promise.
            validateResource: (args, reportViolation) => {
                if (!policy.appliesTo(args.type)) return;
                const settings = settingsFor(policy, args.getConfig<Record<string, unknown>>());
                return judgeResource(policy, resourceOf(args), settings).then((j) => render(j, args.urn, args, reportViolation));
            },
        };
    }
    return {
        ...metadata(policy),
        validateStack: async (args, reportViolation) => {
            const resources: Resource[] = args.resources.map((r: PolicyResource) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                props: plainProps(r.props),
                ...(r.parent ? { parent: r.parent.urn } : {}),
                dependencies: r.dependencies.map((d) => d.urn),
            }));
            const settings = settingsFor(policy, args.getConfig<Record<string, unknown>>());
            render(await judgeStack(policy, resources, settings), "the stack", args, reportViolation);
        },
    };
}

type Deserialize = (struct: object, proxySecrets: boolean) => Record<string, unknown>;

/**
 * @pulumi/policy 1.21.0 deserialises a request's properties again for every policy it calls (server.js
 * calls deserialize.deserializeProperties per policy). The pack's policies only read them, so one copy
 * per request, keyed by the request's own Struct, serves them all: a policy that does not apply then
 * costs the engine's per-policy bookkeeping only. Remediation (proxySecrets) keeps its own copies.
 */
export function shareDeserialisedProperties(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module, without typings
    const deserialize = require("@pulumi/policy/deserialize") as { deserializeProperties: Deserialize & { shared?: true } };
    const original = deserialize.deserializeProperties;
    if (typeof original !== "function" || original.shared) return;
    const copies = new WeakMap<object, Record<string, unknown>>();
    const shared: Deserialize & { shared?: true } = (struct, proxySecrets) => {
        if (proxySecrets || typeof struct !== "object" || struct === null) return original(struct, proxySecrets);
        let props = copies.get(struct);
        if (!props) copies.set(struct, (props = original(struct, false)));
        return props;
    };
    shared.shared = true;
    deserialize.deserializeProperties = shared;
}

/** The pack's policies as the Pulumi CLI is served them, in the order given. */
export function packPolicies(policies: AnyPolicy[]): Policies {
    shareDeserialisedProperties();
    return policies.map(toPulumiPolicy);
}
