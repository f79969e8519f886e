import { perKey } from "./memo";
import { at, obj, str, type Obj } from "./values";

export interface KubernetesType {
    group: string; // "core" for the legacy core group
    version: string;
    kind: string;
}

/**
 * Parses a Pulumi Kubernetes type token: `kubernetes:apps/v1:Deployment`, `kubernetes:security.istio.io/v1:PeerAuthentication`.
 * Policies ask for the parts of the same few type tokens on every resource; each is parsed once.
 */
export const parseKubernetesType: (type: string) => Readonly<KubernetesType> | undefined = perKey(parse, 10_000);

function parse(type: string): Readonly<KubernetesType> | undefined {
    const match = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
    if (!match) return undefined;
    const groupVersion = match[1];
    const slash = groupVersion.lastIndexOf("/");
    const group = slash < 0 ? "core" : groupVersion.slice(0, slash);
    const version = slash < 0 ? groupVersion : groupVersion.slice(slash + 1);
    // Frozen: every caller shares it.
    return Object.freeze({ group, version, kind: match[2] });
}

/** The Pulumi type token of a Kubernetes object, as @pulumi/kubernetes names it. */
export function typeTokenOf(apiVersion: string, kind: string): string {
    const groupVersion = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
    return `kubernetes:${groupVersion}:${kind}`;
}

/** True for a Kubernetes kind in one of the given API groups (any version). */
export function isKind(type: string, kind: string, groups?: string[]): boolean {
    const parsed = parseKubernetesType(type);
    if (!parsed || parsed.kind !== kind) return false;
    return !groups || groups.includes(parsed.group);
}

/** True for an Istio custom resource of the given kind (networking.istio.io, security.istio.io, ...). */
export function isIstioKind(type: string, kind: string): boolean {
    const parsed = parseKubernetesType(type);
    return !!parsed && parsed.kind === kind && parsed.group.endsWith("istio.io");
}

export function metadataOf(props: Obj): Obj {
    return obj(props.metadata);
}

/** The namespace an object lives in; a Namespace is its own namespace. */
export function namespaceOf(type: string, props: Obj): string | undefined {
    if (isKind(type, "Namespace", ["core"])) return str(at(props, "metadata.name"));
    return str(at(props, "metadata.namespace"));
}

/** metadata.name when set, else the Pulumi resource name (Pulumi auto-names from it). */
export function objectName(props: Obj, resourceName: string): string {
    return str(at(props, "metadata.name")) ?? resourceName;
}

export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "istio-system"];

export const PSS_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
export const PSS_ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version";

export interface NamespaceScope {
    systemNamespaces: string[];
    /** When not empty, exactly these are the application namespaces. */
    applicationNamespaces: string[];
}

/**
 * An application namespace: one the stack declares as such, or, when it declares none, any
 * Namespace with a Pod Security enforce label that is not a system namespace.
 */
export function isApplicationNamespace(type: string, props: Obj, scope: NamespaceScope): boolean {
    if (!isKind(type, "Namespace", ["core"])) return false;
    const name = namespaceOf(type, props);
    if (name === undefined) return false;
    if (scope.applicationNamespaces.length > 0) return scope.applicationNamespaces.includes(name);
    return str(obj(at(props, "metadata.labels"))[PSS_ENFORCE_LABEL]) !== undefined && !scope.systemNamespaces.includes(name);
}

/** What an exemption can name of a resource: its namespace, and its Pulumi and Kubernetes names. */
export function exemptionTarget(r: { type: string; name: string; props: Obj }): { namespace?: string; names: string[] } {
    const namespace = namespaceOf(r.type, r.props);
    return { ...(namespace ? { namespace } : {}), names: [r.name, objectName(r.props, r.name)] };
}

/** A Namespace's labels (empty when unset or not a Namespace). */
export function namespaceLabels(type: string, props: Obj): Record<string, string> {
    if (!isKind(type, "Namespace", ["core"])) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(at(props, "metadata.labels")))) if (str(v) !== undefined) out[k] = str(v)!;
    return out;
}
