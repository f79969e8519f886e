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
import { decodeProperties } from "./decode";
import { pulumiConfigSchema, settingsFor } from "./config";
import { describeResource, isClean, judgeResourceNow, judgeStack, type Judgement } from "./evaluate";
import { inOnePass, perKey } from "./memo";
import type { AnyPolicy, Resource, ResourcePolicy } from "./types";
import { isObj, UNKNOWN_STRING } from "./values";
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

type ConfigReader = () => Record<string, unknown>;

// The engine's reader of each policy's config, kept from the first time the engine calls the policy:
// it reads the config the CLI last sent (server.js makeGetConfigFun reads it anew on every call), so
// a request can be judged by every policy before the engine calls them (see judgeAhead).
const configReaders = new WeakMap<AnyPolicy, ConfigReader>();

// How many times the CLI has sent a pack config (see watchConfigureRequests): the settings a policy
// read stay its settings until the next one.
let configGeneration = 0;
const settingsRead = new WeakMap<AnyPolicy, { generation: number; settings: ReturnType<typeof settingsFor> }>();

/** The policy's settings from the config the CLI last sent, read once per config. */
function currentSettings(policy: AnyPolicy, readConfig: ConfigReader): ReturnType<typeof settingsFor> {
    const read = settingsRead.get(policy);
    if (read?.generation === configGeneration) return read.settings;
    const settings = settingsFor(policy, readConfig());
    settingsRead.set(policy, { generation: configGeneration, settings });
    return settings;
}

// Judgements made ahead for one request, by its deserialised properties, each taken by its policy
// when the engine calls it, under the pack config they were made with.
const judgedAhead = new WeakMap<object, { generation: number; judgements: Map<AnyPolicy, Judgement | Promise<Judgement>> }>();

export function toPulumiPolicy(policy: AnyPolicy): ResourceValidationPolicy | StackValidationPolicy {
    if (policy.kind === "resource") {
        return {
            ...metadata(policy),
            // Not async: a policy that does not apply, or whose check is synchronous, answers at once.
            validateResource: (args, reportViolation) => {
                if (!configReaders.has(policy)) configReaders.set(policy, args.getConfig as ConfigReader);
                if (!policy.appliesTo(args.type)) return;
                const ahead = judgedAhead.get(plainProps(args.props));
                // A config the CLI sent since (while an earlier policy's check awaited) voids the judgement.
                let judgement = ahead?.generation === configGeneration ? ahead.judgements.get(policy) : undefined;
                if (judgement !== undefined) ahead!.judgements.delete(policy);
                else judgement = judgeResourceNow(policy, resourceOf(args), currentSettings(policy, args.getConfig as ConfigReader));
                if (judgement instanceof Promise) return judgement.then((j) => render(j, args.urn, args, reportViolation));
                return render(judgement, args.urn, args, reportViolation);
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
/** The shared decoder keeps the engine's own as `original`. */
type SharedDeserialize = Deserialize & { shared?: true; original?: Deserialize };

let deserializeModule: { deserializeProperties: SharedDeserialize } | undefined;

function deserializer(): { deserializeProperties: SharedDeserialize } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module, without typings
    return (deserializeModule ??= require("@pulumi/policy/deserialize") as { deserializeProperties: SharedDeserialize });
}

/**
 * @pulumi/policy 1.21.0 deserialises a request's properties again for every policy it calls (server.js
 * calls deserialize.deserializeProperties per policy). The pack's policies only read them, so one copy
 * per request, keyed by the request's own Struct, serves them all: a policy that does not apply then
 * costs the engine's per-policy bookkeeping only. The copy is made in one walk (./decode) where the
 * properties hold plain values and secrets only. Remediation (proxySecrets) keeps its own copies.
 */
export function shareDeserialisedProperties(): void {
    const deserialize = deserializer();
    const original = deserialize.deserializeProperties;
    if (typeof original !== "function" || original.shared) return;
    const copies = new WeakMap<object, Record<string, unknown>>();
    const shared: SharedDeserialize = (struct, proxySecrets) => {
        if (proxySecrets || typeof struct !== "object" || struct === null) return original(struct, proxySecrets);
        let props = copies.get(struct);
        if (!props) copies.set(struct, (props = decodeProperties(struct) ?? original(struct, false)));
        return props;
    };
    shared.shared = true;
    shared.original = original;
    deserialize.deserializeProperties = shared;
}

/** What the pack reads of an Analyze request: what the engine reads of it for every policy it calls. */
interface AnalyzedRequest {
    getType(): string;
    getName(): string;
    getUrn(): string;
    getProperties(): object | undefined;
    getOptions(): object | undefined;
    getProvider(): { getProperties(): object | undefined } | undefined;
}

// The Analyze request whose policy loop starts next, and its type, for this synchronous turn only.
let analyzedRequest: AnalyzedRequest | undefined;
let analyzedType: string | undefined;

/** The request classes of the @pulumi/pulumi that @pulumi/policy itself loads. */
function analyzerProto<T>(): T {
    const from = { paths: [dirname(require.resolve("@pulumi/policy"))] };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved from @pulumi/policy's folder
    return require(require.resolve("@pulumi/pulumi/proto/analyzer_pb", from)) as T;
}

/**
 * @pulumi/policy 1.21.0's Analyze handler reads the request's type and then loops over every policy of
 * the pack, calling each (server.js makeAnalyzeRpcFun); it skips early only a policy typed with one type
 * token, and even that costs a not-applicable entry in the response. So the pack notes the request
 * whose type the handler reads, and the policy list it serves yields, for that one loop, only the
 * policies with something to say about the resource (see typeIndexed). The Remediate handler reads the
 * type too, but then the request's options before its own loop: reading them forgets the request.
 */
function watchAnalyzedTypes(): void {
    const { AnalyzeRequest } = analyzerProto<{
        AnalyzeRequest: {
            prototype: {
                getType: ((this: AnalyzedRequest) => string) & { watched?: true };
                getOptions: (this: AnalyzedRequest) => object | undefined;
            };
        };
    }>();
    const proto = AnalyzeRequest.prototype;
    const getType = proto.getType;
    if (getType.watched) return;
    const getOptions = proto.getOptions;
    proto.getOptions = function (this: AnalyzedRequest) {
        if (this === analyzedRequest) analyzedType = analyzedRequest = undefined;
        return getOptions.call(this);
    };
    proto.getType = Object.assign(
        function (this: AnalyzedRequest) {
            const type = getType.call(this);
            analyzedType = type;
            // eslint-disable-next-line @typescript-eslint/no-this-alias -- the request itself is what the served list reads
            analyzedRequest = this;
            queueMicrotask(() => (analyzedType = analyzedRequest = undefined));
            return type;
        },
        { watched: true as const },
    );
}

/**
 * @pulumi/policy 1.21.0 replaces the whole pack config when the CLI sends one (server.js configure reads
 * the request's policy config map, then swaps the config in the same synchronous turn): each read of
 * that map starts a new generation of settings.
 */
function watchConfigureRequests(): void {
    const { ConfigureAnalyzerRequest } = analyzerProto<{
        ConfigureAnalyzerRequest: {
            prototype: { getPolicyconfigMap: ((this: object, ...args: unknown[]) => unknown) & { watched?: true } };
        };
    }>();
    const proto = ConfigureAnalyzerRequest.prototype;
    const read = proto.getPolicyconfigMap;
    if (read.watched) return;
    proto.getPolicyconfigMap = Object.assign(
        function (this: object, ...args: unknown[]) {
            configGeneration++;
            return read.apply(this, args);
        },
        { watched: true as const },
    );
}

/**
 * The served list. Iterated right after an Analyze request's type was read, it yields only the resource
 * policies that apply to the type and, judged ahead, have something to report about the resource: the
 * engine's loop would skip a stack policy, and a policy that does not apply or has nothing to report adds
 * nothing to its response, so the response is the same and the loop costs nothing for them. Iterated
 * otherwise (the pack's metadata, a stack analysis, a remediation), it yields every policy, each of which
 * checks the type itself anyway.
 */
function typeIndexed(policies: AnyPolicy[], served: Policies): Policies {
    // Per type, the indexes of the resource policies that apply.
    const applicableTo = perKey((type: string): number[] => {
        const applicable: number[] = [];
        policies.forEach((policy, i) => policy.kind === "resource" && policy.appliesTo(type) && applicable.push(i));
        return applicable;
    }, 10_000);
    const servedAt = (indexes: number[]): Policies => indexes.map((i) => served[i]);

    /**
     * The request's properties as every policy reads them, or undefined when the engine fails the
     * request on every policy it calls: for each, it reads the request's options, and decodes the
     * provider's properties and the request's own (server.js getResourceOptions, getProviderResource).
     * Then the loop is given every policy, and the engine fails it its own way, naming the policy it
     * fails on.
     */
    const propsOf = (request: AnalyzedRequest): Record<string, unknown> | undefined => {
        try {
            if (!request.getOptions()) return undefined;
            const provider = request.getProvider();
            if (provider) deserializer().deserializeProperties(provider.getProperties()!, false);
            const props = deserializer().deserializeProperties(request.getProperties()!, false);
            return isObj(props) ? props : undefined;
        } catch {
            return undefined;
        }
    };

    /**
     * Judges the request's resource by every policy that applies, in one synchronous pass that shares
     * what they all derive from it (./memo), before the engine's loop calls any: a policy with nothing
     * to report is then left out of the loop, and the others are called as usual and render their own
     * judgement (a violation at their own level, unknown values as advisory, exemptions as not
     * applicable, an error that fails the preview). One the engine has never called is left to judge
     * when it is called. A check that returns a promise lets other requests in, a new pack config
     * among them, before the loop ends: so when one did, or one is left to judge when called, every
     * policy that applies is called, and one whose judgement predates that config judges again.
     */
    const judgeAhead = (type: string, request: AnalyzedRequest, props: Record<string, unknown>, applicable: number[]): Policies => {
        const resource: Resource = Object.freeze({ type, name: request.getName(), urn: request.getUrn(), props, dependencies: [] });
        const judgements = new Map<AnyPolicy, Judgement | Promise<Judgement>>();
        const called: number[] = [];
        // A check that returned a promise, or one not judged ahead, which may return one when called.
        let mayAwait = false;
        inOnePass(() => {
            for (const i of applicable) {
                const policy = policies[i] as ResourcePolicy;
                const readConfig = configReaders.get(policy);
                if (readConfig) {
                    const judgement = judgeResourceNow(policy, resource, currentSettings(policy, readConfig));
                    if (judgement instanceof Promise) mayAwait = true;
                    else if (isClean(judgement)) continue;
                    judgements.set(policy, judgement);
                } else mayAwait = true;
                called.push(i);
            }
        });
        if (judgements.size > 0) judgedAhead.set(props, { generation: configGeneration, judgements });
        return servedAt(mayAwait ? applicable : called);
    };

    const list = [...served];
    Object.defineProperty(list, Symbol.iterator, {
        value: () => {
            const type = analyzedType;
            const request = analyzedRequest;
            analyzedType = analyzedRequest = undefined;
            if (type === undefined || request === undefined) return served.values();
            const props = propsOf(request);
            if (props === undefined) return served.values();
            const applicable = applicableTo(type);
            return (applicable.length > 0 ? judgeAhead(type, request, props, applicable) : []).values();
        },
    });
    return list;
}

/** The pack's policies as the Pulumi CLI is served them, in the order given. */
export function packPolicies(policies: AnyPolicy[]): Policies {
    shareDeserialisedProperties();
    watchAnalyzedTypes();
    watchConfigureRequests();
    return typeIndexed(policies, policies.map(toPulumiPolicy));
}
