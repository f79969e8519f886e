// The admission check: every object the API server receives for a stack (the charts' rendered objects,
// hooks included, and the program's own Kubernetes objects), and every pod the cluster creates from them
// after the mutating webhooks, judged as the cluster judges them: Pod Security at the namespace's level
// (the pack's own pod-security policies), the platform's ValidatingAdmissionPolicies (CEL, evaluated by
// the emulator) and policy-controller's ClusterImagePolicies where it checks the namespace.
import { POD_BEARING_KINDS } from "../../policy-pack/lib/pod-spec";
import { podSecurityDenials } from "../../policy-pack/policies/kubernetes/pod-security/controls";
import {
    isModelled,
    minorOf,
    pinnedVersion,
    VALID_VERSIONS_TEXT,
    versionText,
    type PodSecurityVersion,
} from "../../policy-pack/policies/kubernetes/pod-security/versions";
import type { AdmissionPolicy, AdmissionPolicyBinding } from "../../infra/admission/image-policies";
import { AdmissionEmulator, type AdmissionRequest } from "./admission-emulator";
import {
    globMatches,
    injectionRequested,
    injectorSettings,
    istioInjector,
    policyControllerResolver,
    runMutators,
    type Mutator,
    type NamespaceLabels,
} from "./mutation";
import type { ChartRendering, CheckResult, Finding } from "./types";
import { selectorMatches, type LabelSelector } from "./labels";
import { kubernetesObjects } from "../render/render";
import { appliedObjects } from "./render";
import { type Obj, obj } from "./objects";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const ENFORCE = "pod-security.kubernetes.io/enforce";
const ENFORCE_VERSION = "pod-security.kubernetes.io/enforce-version";
/** policy-controller's webhook selects these namespaces unless the Release's values say otherwise (chart default). */
const POLICY_CONTROLLER_DEFAULT_SELECTOR: LabelSelector = {
    matchExpressions: [{ key: "policy.sigstore.dev/include", operator: "In", values: ["true"] }],
};

/** One object as it reaches the API server, with where it came from. */
interface Submitted {
    manifest: Obj;
    namespace: string;
    origin: string;
}

const nameOf = (manifest: Obj) => String(obj(manifest.metadata).name ?? "");

function resourceOf(manifest: Obj): AdmissionRequest["resource"] {
    const apiVersion = String(manifest.apiVersion ?? "v1");
    const [group, version] = apiVersion.includes("/") ? (apiVersion.split("/") as [string, string]) : ["", apiVersion];
    const kind = String(manifest.kind);
    const lower = kind.toLowerCase();
    return { group, version, resource: lower.endsWith("s") ? `${lower}es` : `${lower}s` };
}

/** Where the pod template sits in each pod-bearing kind. */
function templateOf(manifest: Obj): Obj | undefined {
    switch (manifest.kind) {
        case "Pod":
            return { metadata: obj(manifest.metadata), spec: obj(manifest.spec) };
        case "PodTemplate":
            return obj(manifest.template);
        case "CronJob":
            return obj(obj(obj(obj(manifest.spec).jobTemplate).spec).template);
        default:
            return POD_BEARING_KINDS.includes(String(manifest.kind)) ? obj(obj(manifest.spec).template) : undefined;
    }
}

function withTemplate(manifest: Obj, template: Obj): Obj {
    const out = structuredClone(manifest);
    if (out.kind === "Pod") return { ...out, metadata: { ...obj(out.metadata), ...obj(template.metadata) }, spec: template.spec };
    if (out.kind === "PodTemplate") out.template = template;
    else if (out.kind === "CronJob") out.spec.jobTemplate.spec.template = template;
    else out.spec.template = template;
    return out;
}

function imagesOf(spec: Obj): { container: string; image: string }[] {
    return ["containers", "initContainers", "ephemeralContainers"].flatMap((list) =>
        ((spec[list] ?? []) as Obj[]).map((c) => ({ container: String(c.name), image: typeof c.image === "string" ? c.image : "" })),
    );
}

/** Objects a chart renders that the API server receives: not CRDs (installed apart), not test hooks (never run by Pulumi). */
function chartObjects(rendering: ChartRendering): Submitted[] {
    return rendering.releases.flatMap((release) =>
        appliedObjects(release).map((o) => ({
            manifest: o.manifest as Obj,
            namespace: o.manifest.metadata.namespace ?? release.namespace,
            origin: `release ${release.name}${o.hooks.length ? `, ${o.hooks.join("/")} hook` : ""}`,
        })),
    );
}

function programObjects(rendering: ChartRendering): Submitted[] {
    return kubernetesObjects(rendering.program).map(({ manifest }) => ({
        manifest: manifest as Obj,
        namespace: String(obj(manifest.metadata).namespace ?? ""),
        origin: "program",
    }));
}

function releaseValues(rendering: ChartRendering, chart: string): { values: Obj; version: string } | undefined {
    const release = rendering.program.resources.find((r) => r.type === RELEASE && r.inputs.chart === chart);
    return release ? { values: obj(release.inputs.values), version: String(release.inputs.version ?? "") } : undefined;
}

interface ImagePolicyRule {
    name: string;
    globs: string[];
    staticFail: boolean;
}

/** The cluster as the program configures it, and the judges. */
class Cluster {
    readonly namespaces = new Map<string, Record<string, string>>();
    readonly mutators: Mutator[] = [];
    readonly emulator: AdmissionEmulator;
    readonly imagePolicies: ImagePolicyRule[];
    readonly signatureSelector?: LabelSelector;
    readonly noMatchPolicy: string = "deny";
    readonly injectorImage?: string;
    /** Undefined when the stack runs a Kubernetes version the pack does not model. */
    readonly kubernetesVersion?: PodSecurityVersion;

    constructor(rendering: ChartRendering, program: Submitted[]) {
        const minor = minorOf(rendering.kubernetesVersion.split(".").slice(0, 2).join("."));
        this.kubernetesVersion = minor !== undefined && isModelled(minor) ? { policy: minor, cluster: minor } : undefined;
        for (const { manifest } of program.filter((o) => o.manifest.kind === "Namespace")) {
            this.namespaces.set(nameOf(manifest), {
                ...obj(obj(manifest.metadata).labels),
                "kubernetes.io/metadata.name": nameOf(manifest),
            });
        }
        const istiod = releaseValues(rendering, "istiod");
        if (istiod) {
            const settings = injectorSettings(istiod.values, istiod.version);
            this.injectorImage = settings.proxyImage;
            this.mutators.push(istioInjector(settings));
        }
        const controller = releaseValues(rendering, "policy-controller");
        if (controller) {
            const webhook = obj(controller.values.webhook);
            this.signatureSelector = Object.keys(obj(webhook.namespaceSelector)).length
                ? (webhook.namespaceSelector as LabelSelector)
                : POLICY_CONTROLLER_DEFAULT_SELECTOR;
            this.noMatchPolicy = String(obj(webhook.configData)["no-match-policy"] ?? "deny");
            this.mutators.push(policyControllerResolver(this.signatureSelector));
        }
        const ofKind = (kind: string) => program.filter((o) => o.manifest.kind === kind).map((o) => o.manifest);
        this.imagePolicies = ofKind("ClusterImagePolicy").map((cip) => ({
            name: nameOf(cip),
            globs: ((obj(cip.spec).images ?? []) as Obj[]).map((i) => String(i.glob)),
            staticFail: ((obj(cip.spec).authorities ?? []) as Obj[]).some((a) => obj(a.static).action === "fail"),
        }));
        this.emulator = new AdmissionEmulator(
            ofKind("ValidatingAdmissionPolicy") as AdmissionPolicy[],
            ofKind("ValidatingAdmissionPolicyBinding") as AdmissionPolicyBinding[],
            [...this.namespaces].map(([name, labels]) => ({ name, labels })),
        );
    }

    labels(namespace: string): NamespaceLabels {
        return { name: namespace, labels: this.namespaces.get(namespace) ?? { "kubernetes.io/metadata.name": namespace } };
    }

    signaturesChecked(namespace: string): boolean {
        return this.signatureSelector !== undefined && selectorMatches(this.signatureSelector, this.labels(namespace).labels);
    }
}

/**
 * Pod Security admission at the namespace's enforce level and pinned enforce-version on the stack's
 * Kubernetes version. It enforces on Pods only (for controllers it warns), so Pods are what it
 * judges; the pack's pod-security controls are the evaluator.
 */
function podSecurity(cluster: Cluster, pod: Obj, namespace: string): string[] {
    const labels = cluster.labels(namespace).labels;
    const level = labels[ENFORCE] ?? "privileged";
    if (level === "privileged") return [];
    const label = labels[ENFORCE_VERSION];
    if (level !== "baseline" && level !== "restricted")
        return [`Pod Security: namespace ${namespace} has an invalid ${ENFORCE} label "${level}"`];
    if (!cluster.kubernetesVersion)
        return [`Pod Security: the stack's Kubernetes version is not one the pack models (${VALID_VERSIONS_TEXT})`];
    const version = pinnedVersion(label, cluster.kubernetesVersion);
    if (!version) return [`Pod Security: namespace ${namespace} pins ${ENFORCE_VERSION}=${label}, which the pack does not model`];
    const template = { metadata: obj(pod.metadata), spec: obj(pod.spec), path: "spec" };
    // An exception is a denial, as an admission error would be.
    try {
        return podSecurityDenials(level, version, template).map(
            (d) => `Pod Security ${level}@${versionText(version)} (${d.policy}): ${d.message}`,
        );
    } catch (error) {
        return [`Pod Security ${level}@${versionText(version)}: could not judge the pod: ${(error as Error).message}`];
    }
}

function imagePolicyDenials(cluster: Cluster, spec: Obj, namespace: string): string[] {
    if (!cluster.signaturesChecked(namespace)) return [];
    const messages: string[] = [];
    for (const { container, image } of imagesOf(spec)) {
        const matching = cluster.imagePolicies.filter((p) => p.globs.some((glob) => globMatches(glob, image)));
        if (matching.length === 0 && cluster.noMatchPolicy === "deny") {
            messages.push(`ClusterImagePolicy: image ${image} of container ${container} matches no policy and no-match-policy is deny`);
        }
        for (const policy of matching.filter((p) => p.staticFail)) {
            messages.push(`ClusterImagePolicy ${policy.name}: image ${image} of container ${container} is refused (static fail)`);
        }
    }
    return messages;
}

function validatingPolicyDenials(cluster: Cluster, manifest: Obj, namespace: string): string[] {
    const decision = cluster.emulator.review({ operation: "CREATE", resource: resourceOf(manifest), namespace, object: manifest });
    return decision.denials.map((d) => `ValidatingAdmissionPolicy ${d.policy}: ${d.message}`);
}

/** A pod the controller would create, named as its controller would name it. */
function derivedPod(owner: Obj, template: Obj, namespace: string): Obj {
    const meta = obj(template.metadata);
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            ...meta,
            name: `${nameOf(owner)}-pod`,
            namespace,
            ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: nameOf(owner) }],
        },
        spec: structuredClone(obj(template.spec)),
    };
}

/**
 * A pod as a service team deploys it in a meshed namespace (restricted, no containers of its own), so that
 * what the platform adds to every such pod (the injected proxy) is judged even where no service runs yet.
 */
function sidecarProbe(namespace: string): Obj {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "service-pod-probe", namespace, labels: { app: "service-pod-probe" } },
        spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, containers: [] },
    };
}

export function checkAdmission(rendering: ChartRendering): CheckResult {
    const program = programObjects(rendering);
    const cluster = new Cluster(rendering, program);
    const findings: Finding[] = [];
    let judged = 0;

    const judge = (manifest: Obj, namespace: string, origin: string): void => {
        judged++;
        const subject = `${manifest.kind} ${namespace ? `${namespace}/` : ""}${nameOf(manifest)} (${origin})`;
        const template = templateOf(manifest);
        if (!template || !namespace) return;
        const messages = [
            ...(manifest.kind === "Pod" ? podSecurity(cluster, manifest, namespace) : []),
            ...validatingPolicyDenials(cluster, manifest, namespace),
            ...imagePolicyDenials(cluster, obj(template.spec), namespace),
        ];
        for (const message of messages) findings.push({ check: "admission", subject, message });
    };

    /** A request as the mutating webhooks leave it, judged; then what its controller creates from it. */
    const submit = (manifest: Obj, namespace: string, origin: string): void => {
        const template = templateOf(manifest);
        if (!template || !namespace) return judge(manifest, namespace, origin);
        const mutated = withTemplate(manifest, runMutators(template, cluster.labels(namespace), String(manifest.kind), cluster.mutators));
        judge(mutated, namespace, origin);
        if (mutated.kind === "Pod" || mutated.kind === "PodTemplate") return;
        const created = templateOf(mutated)!;
        if (mutated.kind === "CronJob") {
            const job = {
                apiVersion: "batch/v1",
                kind: "Job",
                metadata: { name: `${nameOf(mutated)}-job`, namespace },
                spec: { ...obj(obj(mutated.spec).jobTemplate).spec },
            };
            return submit(job, namespace, `${origin}, created by CronJob ${nameOf(mutated)}`);
        }
        return submit(derivedPod(mutated, created, namespace), namespace, `${origin}, created by ${mutated.kind} ${nameOf(mutated)}`);
    };

    for (const { manifest, namespace, origin } of [...chartObjects(rendering), ...program]) submit(manifest, namespace, origin);
    for (const [namespace, labels] of cluster.namespaces) {
        if (cluster.injectorImage && injectionRequested(labels, {}))
            submit(sidecarProbe(namespace), namespace, "what the platform adds to every service pod");
    }
    return { check: "admission", judged, findings };
}
