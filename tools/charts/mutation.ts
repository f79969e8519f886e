// What the mutating webhooks make of a pod before any validating admission sees it: Istio's sidecar
// injector (istiod 1.29 injection templates, sidecar and gateway) and Sigstore policy-controller's digest
// resolution. Webhooks run in the order of their configuration's name, as the API server calls them.
import { createHash } from "node:crypto";
import { selectorMatches, type LabelSelector } from "./labels";
import { type Obj, obj } from "./objects";
import {
    GGCR_DOCKER_HUB,
    INJECT_LABEL,
    INJECT_TEMPLATES_ANNOTATION,
    INJECTED_PROXY_CONTAINER,
    INJECTOR_IMAGE_PLACEHOLDER,
    parseReference,
} from "../../policy-pack/lib/image-rules";

export interface NamespaceLabels {
    name: string;
    labels: Record<string, string>;
}

/** The injector's settings, read from the istiod Release's values (the chart's defaults where unset). */
export interface InjectorSettings {
    /** The proxy image the templates write (.ProxyImage, or global.proxy.image when it is a full reference). */
    proxyImage: string;
    /**
     * The init container's image: proxy_init.image when it is a full reference, else .ProxyImage, which the
     * injector composes as <hub>/<proxy.image>:<tag> even when proxy.image is itself a full reference.
     */
    initImage: string;
    cni: boolean;
    nativeSidecars: boolean;
    privileged: boolean;
    seccompProfile?: Obj;
    gatewaySecurityContext?: Obj;
    proxyUid: number;
}

/** istiod's values to injector settings: hub/tag/proxy.image as the injector composes .ProxyImage. */
export function injectorSettings(values: unknown, chartVersion: string): InjectorSettings {
    const v = obj(values);
    const global = obj(v.global);
    const proxy = obj(global.proxy);
    const image = typeof proxy.image === "string" && proxy.image !== "" ? proxy.image : "proxyv2";
    const hub = typeof global.hub === "string" && global.hub !== "" ? global.hub : "docker.io/istio";
    const tag = global.tag !== undefined && global.tag !== "" ? String(global.tag) : chartVersion;
    const env = obj(obj(v.pilot).env);
    const initImage = obj(global.proxy_init).image;
    return {
        proxyImage: image.includes("/") ? image : `${hub}/${image}:${tag}`,
        initImage: typeof initImage === "string" && initImage.includes("/") ? initImage : `${hub}/${image}:${tag}`,
        cni: obj(obj(v.pilot).cni).enabled === true,
        // istiod 1.29 defaults ENABLE_NATIVE_SIDECARS to false; the platform turns it on.
        nativeSidecars: String(env.ENABLE_NATIVE_SIDECARS) === "true",
        privileged: proxy.privileged === true,
        ...(Object.keys(obj(proxy.seccompProfile)).length ? { seccompProfile: obj(proxy.seccompProfile) } : {}),
        ...(Object.keys(obj(obj(v.gateways).securityContext)).length
            ? { gatewaySecurityContext: obj(obj(v.gateways).securityContext) }
            : {}),
        proxyUid: 1337,
    };
}

/** Whether the sidecar-injector webhooks of the default revision select this pod (istiod 1.29 chart's four webhooks). */
export function injectionRequested(namespace: Record<string, string>, podLabels: Record<string, string>): boolean {
    if (podLabels[INJECT_LABEL] === "false") return false;
    if (namespace["istio-injection"] === "enabled") return true;
    if (namespace["istio-injection"] !== undefined) return false;
    if (namespace["istio.io/rev"] !== undefined) return namespace["istio.io/rev"] === "default";
    return podLabels[INJECT_LABEL] === "true" || podLabels["istio.io/rev"] === "default";
}

function proxySecurityContext(settings: InjectorSettings): Obj {
    // With CNI, the proxy needs no capabilities and runs as 1337 (injection-template.yaml, cni branch).
    return {
        allowPrivilegeEscalation: settings.privileged,
        privileged: settings.privileged,
        capabilities: settings.cni ? { drop: ["ALL"] } : { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] },
        readOnlyRootFilesystem: settings.cni,
        runAsGroup: settings.cni ? settings.proxyUid : 0,
        runAsUser: settings.cni ? settings.proxyUid : 0,
        runAsNonRoot: settings.cni,
        ...(settings.seccompProfile ? { seccompProfile: settings.seccompProfile } : {}),
    };
}

/** Strategic merge of the pod's own istio-proxy container over the template's, as the injector overlays it. */
function overlay(template: Obj, own: Obj | undefined): Obj {
    if (!own) return template;
    const merged: Obj = { ...template, ...own };
    if (own.image === INJECTOR_IMAGE_PLACEHOLDER || own.image === undefined) merged.image = template.image;
    merged.securityContext = { ...obj(template.securityContext), ...obj(own.securityContext) };
    return merged;
}

/** The pod as istiod's injector returns it: the sidecar template, or the gateway template where the pod asks for it. */
export function injectSidecar(pod: Obj, settings: InjectorSettings): Obj {
    const out = structuredClone(pod);
    const meta = (out.metadata ??= {});
    const spec = (out.spec ??= {});
    const annotations = obj(meta.annotations);
    const image =
        typeof annotations["sidecar.istio.io/proxyImage"] === "string" && annotations["sidecar.istio.io/proxyImage"].includes("/")
            ? annotations["sidecar.istio.io/proxyImage"]
            : settings.proxyImage;
    const templates = String(annotations[INJECT_TEMPLATES_ANNOTATION] ?? "sidecar")
        .split(",")
        .map((t) => t.trim());
    const containers: Obj[] = spec.containers ?? [];
    const own = containers.find((c) => c.name === INJECTED_PROXY_CONTAINER);
    meta.annotations = { ...annotations, "sidecar.istio.io/status": JSON.stringify({ templates }) };
    if (templates.includes("gateway")) {
        // gateway-injection-template.yaml: fills the pod's own istio-proxy container; no init container.
        const proxy = overlay(
            { name: INJECTED_PROXY_CONTAINER, image, securityContext: { runAsUser: settings.proxyUid, runAsGroup: settings.proxyUid } },
            own,
        );
        spec.securityContext = {
            ...(settings.gatewaySecurityContext ?? { sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }] }),
            ...obj(spec.securityContext),
        };
        spec.containers = own ? containers.map((c) => (c === own ? proxy : c)) : [...containers, proxy];
        return out;
    }
    const securityContext = proxySecurityContext(settings);
    // With CNI, istio-validation replaces istio-init: it only checks the redirection the node agent set up.
    const init = { name: settings.cni ? "istio-validation" : "istio-init", image: settings.initImage, securityContext };
    const proxy = overlay(
        { name: INJECTED_PROXY_CONTAINER, image, securityContext, ...(settings.nativeSidecars ? { restartPolicy: "Always" } : {}) },
        own,
    );
    const others = containers.filter((c) => c !== own);
    if (settings.nativeSidecars) {
        spec.initContainers = [init, proxy, ...(spec.initContainers ?? [])];
        spec.containers = others;
    } else {
        spec.initContainers = [init, ...(spec.initContainers ?? [])];
        spec.containers = [...others, proxy];
    }
    return out;
}

/**
 * A stand-in for the digest the registry would return: deterministic, so runs compare, and never a real
 * one. Offline there is no registry to ask; policy-controller asks it at admission.
 */
export function fakeDigest(reference: string): string {
    return `sha256:${createHash("sha256").update(`offline-digest:${reference}`).digest("hex")}`;
}

/** policy-controller's resolution: `<repository>@sha256:<digest>` in go-containerregistry's spelling; digests kept. */
export function resolveImage(image: string): string {
    const { repository, tag, digest } = parseReference(image);
    return `${repository}@${digest ?? fakeDigest(`${repository}:${tag ?? "latest"}`)}`;
}

/** Every container list of a pod spec with its images resolved. */
export function resolveDigests(spec: Obj): Obj {
    const out = structuredClone(spec);
    for (const list of ["containers", "initContainers", "ephemeralContainers"]) {
        for (const c of (out[list] ?? []) as Obj[]) if (typeof c.image === "string" && c.image !== "") c.image = resolveImage(c.image);
    }
    return out;
}

/** policy-controller's glob (pkg/apis/glob): `**` any characters, `*` any but "/", matched on the canonical name. */
export function globMatches(glob: string, image: string): boolean {
    const normalised = glob === "*/*" ? `${GGCR_DOCKER_HUB}*/*` : glob === "*" ? `${GGCR_DOCKER_HUB}library/*` : glob;
    if (!/^[a-zA-Z0-9\-_:/*.]+$/.test(normalised)) return false;
    const pattern = normalised.replace(/\./g, "\\.").replace(/\*\*/g, "#").replace(/\*/g, "[^/]*").replace(/#/g, ".*");
    const re = new RegExp(`^${pattern}$`);
    const { repository, tag, digest } = parseReference(image);
    const name = digest ? `${repository}@${digest}` : `${repository}:${tag ?? "latest"}`;
    return re.test(name) || re.test(image);
}

export interface Mutator {
    /** The MutatingWebhookConfiguration's name: the API server calls configurations in this order. */
    configuration: string;
    reinvocation: "Never" | "IfNeeded";
    /** The pod (or pod-bearing object's template) after this webhook; the input itself when it does not apply. */
    mutate(pod: Obj, namespace: NamespaceLabels, kind: string): Obj;
}

/** Runs the webhooks in API-server order, then once more each IfNeeded webhook if a later one changed the object. */
export function runMutators(pod: Obj, namespace: NamespaceLabels, kind: string, mutators: Mutator[]): Obj {
    const ordered = [...mutators].sort((a, b) => (a.configuration < b.configuration ? -1 : a.configuration > b.configuration ? 1 : 0));
    let current = pod;
    let changedAfter = new Set<number>();
    ordered.forEach((m, i) => {
        const next = m.mutate(current, namespace, kind);
        if (JSON.stringify(next) !== JSON.stringify(current))
            changedAfter = new Set([...changedAfter, ...ordered.slice(0, i).map((_, j) => j)]);
        current = next;
    });
    for (const i of [...changedAfter].sort()) {
        if (ordered[i]!.reinvocation === "IfNeeded") current = ordered[i]!.mutate(current, namespace, kind);
    }
    return current;
}

/** Istio's injector: Pods only (its webhooks match CREATE of pods). */
export function istioInjector(settings: InjectorSettings): Mutator {
    return {
        configuration: "istio-sidecar-injector",
        reinvocation: "Never",
        mutate(pod, namespace, kind) {
            if (kind !== "Pod") return pod;
            return injectionRequested(namespace.labels, obj(obj(pod.metadata).labels)) ? injectSidecar(pod, settings) : pod;
        },
    };
}

/** policy-controller's defaulting webhook: every pod-bearing object in the namespaces its selector picks. */
export function policyControllerResolver(namespaceSelector: LabelSelector | undefined): Mutator {
    return {
        configuration: "policy.sigstore.dev",
        reinvocation: "IfNeeded",
        mutate(pod, namespace) {
            if (!selectorMatches(namespaceSelector, { ...namespace.labels, "kubernetes.io/metadata.name": namespace.name })) return pod;
            return { ...pod, spec: resolveDigests(obj(pod.spec)) };
        },
    };
}
