// The one pod-spec walker: every policy that looks inside a pod goes through here, so every
// pod-bearing kind and every container list is covered the same way.
import { parseKubernetesType } from "./kubernetes";
import { perObject } from "./memo";
import { arr, at, isObj, obj, str, type Obj } from "./values";

export interface PodTemplate {
    /** The pod's metadata (labels, annotations). */
    metadata: Obj;
    spec: Obj;
    /** Where the pod spec sits in the resource, for messages. */
    path: string;
}

export type ContainerList = "containers" | "initContainers" | "ephemeralContainers";

export interface ContainerRef {
    container: Obj;
    name: string;
    list: ContainerList;
    /** The container's security context (empty when unset). */
    securityContext: Obj;
}

const TEMPLATE_PATHS: Record<string, { groups: string[]; path: string[] }> = {
    Pod: { groups: ["core"], path: [] },
    PodTemplate: { groups: ["core"], path: ["template"] },
    ReplicationController: { groups: ["core"], path: ["spec", "template"] },
    Deployment: { groups: ["apps", "extensions"], path: ["spec", "template"] },
    StatefulSet: { groups: ["apps"], path: ["spec", "template"] },
    DaemonSet: { groups: ["apps", "extensions"], path: ["spec", "template"] },
    ReplicaSet: { groups: ["apps", "extensions"], path: ["spec", "template"] },
    Job: { groups: ["batch"], path: ["spec", "template"] },
    CronJob: { groups: ["batch"], path: ["spec", "jobTemplate", "spec", "template"] },
};

export const POD_BEARING_KINDS = Object.keys(TEMPLATE_PATHS);

// Where custom workload kinds keep their pod template: Argo Rollouts, Knative Services, OpenKruise
// CloneSet/StatefulSet/DaemonSet/BroadcastJob (spec.template), CronJob look-alikes (spec.jobTemplate),
// OpenKruise AdvancedCronJob (spec.template.jobTemplate / broadcastJobTemplate).
const CUSTOM_TEMPLATE_PATHS = [
    ["spec", "template"],
    ["spec", "jobTemplate", "spec", "template"],
    ["spec", "template", "jobTemplate", "spec", "template"],
    ["spec", "template", "broadcastJobTemplate", "spec", "template"],
    ["template"],
];

// API groups of Kubernetes itself, where only the kinds above carry pods: the dotless ones and those
// under k8s.io (x-k8s.io groups are custom resources: JobSet, LeaderWorkerSet). Pulumi's own meta
// types (helm.sh Releases and Charts, yaml and kustomize) hold values or files, not objects.
const NON_CUSTOM_GROUPS = new Set(["helm.sh"]);

/** A custom resource kind: one outside Kubernetes's own API groups. */
export function isCustomKind(type: string): boolean {
    const parsed = parseKubernetesType(type);
    if (!parsed || !parsed.group.includes(".") || NON_CUSTOM_GROUPS.has(parsed.group)) return false;
    return !parsed.group.endsWith(".k8s.io") || parsed.group.endsWith(".x-k8s.io");
}

/** Kinds whose objects may carry a pod: the built-in pod-bearing kinds, and any custom resource. */
export function isPodBearing(type: string): boolean {
    const parsed = parseKubernetesType(type);
    if (!parsed) return false;
    const entry = TEMPLATE_PATHS[parsed.kind];
    return (!!entry && entry.groups.includes(parsed.group)) || isCustomKind(type);
}

/** A Pulumi patch of a built-in pod-bearing kind (DeploymentPatch): a partial spec applied to an existing object. */
export function isPodBearingPatch(type: string): boolean {
    const parsed = parseKubernetesType(type);
    if (!parsed || !parsed.kind.endsWith("Patch")) return false;
    const entry = TEMPLATE_PATHS[parsed.kind.slice(0, -"Patch".length)];
    return !!entry && entry.groups.includes(parsed.group);
}

function templatePathOf(type: string, props: Obj): string[] | undefined {
    const parsed = parseKubernetesType(type);
    if (!parsed) return undefined;
    const entry = TEMPLATE_PATHS[parsed.kind];
    if (entry && entry.groups.includes(parsed.group)) return entry.path;
    if (!isCustomKind(type)) return undefined;
    return CUSTOM_TEMPLATE_PATHS.find((path) => Array.isArray(obj(at(props, [...path, "spec"].join("."))).containers));
}

// Every pod policy of a resource asks for its template; during a pass (./memo) it is found once.
const templateSlot = perObject((_props: Obj): { type?: string; template?: PodTemplate } => ({}));

/**
 * The pod template of any pod-bearing resource, or undefined for other resources. A custom resource
 * counts when a pod spec with containers sits at one of the usual template paths.
 */
export function podTemplateOf(type: string, props: Obj): PodTemplate | undefined {
    const slot = templateSlot(props);
    if (slot.type !== type) {
        slot.type = type;
        slot.template = findPodTemplate(type, props);
    }
    return slot.template;
}

function findPodTemplate(type: string, props: Obj): PodTemplate | undefined {
    const path = templatePathOf(type, props);
    if (!path) return undefined;
    let holder: unknown = props;
    for (const key of path) holder = obj(holder)[key];
    const template = obj(holder);
    const prefix = path.join(".");
    // Frozen: policies share it.
    return Object.freeze({
        metadata: obj(template.metadata),
        spec: obj(template.spec),
        path: prefix ? `${prefix}.spec` : "spec",
    });
}

/**
 * Paths of every pod spec (an object with a `containers` list of objects) inside a resource's
 * properties, metadata aside; bounded, so an odd object cannot make it walk forever.
 */
export function podSpecPaths(props: Obj): string[] {
    const found: string[] = [];
    const walk = (value: unknown, path: string[], depth: number): void => {
        if (depth > 12 || found.length > 20) return;
        if (Array.isArray(value)) return value.forEach((v, i) => walk(v, [...path, String(i)], depth + 1));
        if (!isObj(value)) return;
        if (arr(value.containers).some(isObj)) found.push(path.join("."));
        for (const [key, child] of Object.entries(value)) {
            if (key === "metadata" || key === "status") continue;
            walk(child, [...path, key], depth + 1);
        }
    };
    walk(props, [], 0);
    return found;
}

/** Containers, init containers and ephemeral containers alike; during a pass (./memo), listed once per pod spec. */
export const containersOf: (spec: Obj) => readonly ContainerRef[] = perObject((spec: Obj) => {
    const refs: ContainerRef[] = [];
    for (const list of ["containers", "initContainers", "ephemeralContainers"] as const) {
        arr(spec[list]).forEach((c, index) => {
            if (!isObj(c)) return;
            // Frozen: policies share them.
            refs.push(
                Object.freeze({
                    container: c,
                    name: str(c.name) ?? `${list}[${index}]`,
                    list,
                    securityContext: obj(c.securityContext),
                }),
            );
        });
    }
    return Object.freeze(refs);
});

/** Pod-level security context (empty when unset). */
export function podSecurityContext(spec: Obj): Obj {
    return obj(spec.securityContext);
}

/** Pod Security Admission exempts Windows pods (spec.os.name: windows) from some Linux-only controls. */
export function isWindowsPod(spec: Obj): boolean {
    return str(obj(spec.os).name) === "windows";
}

export function annotationsOf(template: PodTemplate): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(template.metadata.annotations))) {
        if (typeof v === "string") out[k] = v;
    }
    return out;
}

export function quoteList(names: string[]): string {
    return names.map((n) => `"${n}"`).join(", ");
}

/**
 * The sources a volume sets, as admission sees it: the API server gives a volume that sets none an
 * emptyDir (SetDefaults_Volume, pkg/apis/core/v1/defaults.go) before any admission plugin runs.
 */
export function volumeSources(volume: Obj): string[] {
    const set = Object.keys(volume).filter((key) => key !== "name" && volume[key] !== undefined && volume[key] !== null);
    return set.length ? set : ["emptyDir"];
}

/**
 * The host port a container port binds: with hostNetwork the API server defaults an unset hostPort
 * of containers and init containers to the container port (SetDefaults_Pod, defaultHostNetworkPorts).
 */
export function hostPortOf(port: unknown, ref: ContainerRef, spec: Obj): unknown {
    const p = obj(port);
    const unset = p.hostPort === undefined || p.hostPort === null || p.hostPort === 0;
    if (unset && spec.hostNetwork === true && ref.list !== "ephemeralContainers") return p.containerPort;
    return p.hostPort;
}

/** A user-namespaced pod (spec.hostUsers: false), which PSA relaxes some checks for from 1.35. */
export function isUserNamespacePod(spec: Obj): boolean {
    return spec.hostUsers === false;
}
