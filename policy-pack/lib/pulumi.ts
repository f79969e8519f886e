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
import { dirname } from "node:path";
import { controlLabels } from "./controls";
import { pulumiConfigSchema, settingsFor } from "./config";
import { describeResource, judgeResource, judgeStack, type Judgement } from "./evaluate";
import type { AnyPolicy, Resource } from "./types";
import { UNKNOWN_STRING } from "./values";
import { NEWEST_KUBERNETES } from "../policies/kubernetes/pod-security/versions";

// The engine hands policies a proxy that throws on unknown values; our policies read the plain
// values and track unknowns themselves, so they never throw on them.
function plainProps(props: Record<string, unknown>): Record<string, unknown> {
    const proxied = props as Record<string, unknown> & { __isSpecialProxy?: boolean; __getSpecialProxyTarget?: Record<string, unknown> };
    return proxied.__isSpecialProxy === true && proxied.__getSpecialProxyTarget ? proxied.__getSpecialProxyTarget : props;
}

function framework(policy: AnyPolicy): PolicyComplianceFramework | undefined {
    const pss = policy.controls.PSS?.[0];
    if (pss) return { name: "Pod Security Standards", version: `v${NEWEST_KUBERNETES}`, reference: pss, specification: policy.description };
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

// The type of the Analyze request whose policy loop starts next, for this synchronous turn only.
let analyzedType: string | undefined;

/**
 * @pulumi/policy 1.21.0's Analyze handler reads the request's type and then loops over every policy of
 * the pack, calling each (server.js makeAnalyzeRpcFun); it skips early only a policy typed with one type
 * token, and even that costs a not-applicable entry in the response. So the pack notes the type the
 * handler reads, and the policy list it serves yields, for that one loop, the policies that apply to
 * the type and, in place of the others, the same policies with no validation to run.
 */
function watchAnalyzedTypes(): void {
    // The request class of the @pulumi/pulumi that @pulumi/policy itself loads.
    const from = { paths: [dirname(require.resolve("@pulumi/policy"))] };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved from @pulumi/policy's folder
    const { AnalyzeRequest } = require(require.resolve("@pulumi/pulumi/proto/analyzer_pb", from)) as {
        AnalyzeRequest: { prototype: { getType: (() => string) & { watched?: true } } };
    };
    const proto = AnalyzeRequest.prototype;
    const getType = proto.getType;
    if (getType.watched) return;
    proto.getType = Object.assign(
        function (this: object) {
            const type = getType.call(this);
            analyzedType = type;
            queueMicrotask(() => (analyzedType = undefined));
            return type;
        },
        { watched: true as const },
    );
}

/**
 * The served list. Iterated right after an Analyze request's type was read, it yields a stand-in for each
 * resource policy that does not apply: the same name, level, schema and metadata, so that a reader that
 * is not that loop sees no difference, and no validation, so that the loop costs it nothing. Iterated
 * otherwise, it yields the policies themselves, each of which checks the type itself anyway.
 */
function typeIndexed(policies: AnyPolicy[], served: Policies): Policies {
    const standIns = served.map((p) => ("validateResource" in p ? { ...p, validateResource: [] } : p));
    const byType = new Map<string, Policies>();
    const forType = (type: string): Policies => {
        let list = byType.get(type);
        if (!list) {
            if (byType.size > 10_000) byType.clear();
            list = served.map((p, i) => {
                const policy = policies[i];
                return policy.kind === "resource" && !policy.appliesTo(type) ? standIns[i] : p;
            });
            byType.set(type, list);
        }
        return list;
    };
    const list = [...served];
    Object.defineProperty(list, Symbol.iterator, {
        value: () => {
            const type = analyzedType;
            analyzedType = undefined;
            return (type === undefined ? served : forType(type)).values();
        },
    });
    return list;
}

/** The pack's policies as the Pulumi CLI is served them, in the order given. */
export function packPolicies(policies: AnyPolicy[]): Policies {
    shareDeserialisedProperties();
    watchAnalyzedTypes();
    return typeIndexed(policies, policies.map(toPulumiPolicy));
}
