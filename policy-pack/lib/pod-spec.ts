// The one pod-spec walker: every policy that looks inside a pod goes through here, so every
// pod-bearing kind and every container list is covered the same way.
import { parseKubernetesType } from "./kubernetes";
import { arr, isObj, obj, str, type Obj } from "./values";

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

export function isPodBearing(type: string): boolean {
    const parsed = parseKubernetesType(type);
    if (!parsed) return false;
    const entry = TEMPLATE_PATHS[parsed.kind];
    return !!entry && entry.groups.includes(parsed.group);
}

/** The pod template of any pod-bearing resource, or undefined for other resources. */
export function podTemplateOf(type: string, props: Obj): PodTemplate | undefined {
    if (!isPodBearing(type)) return undefined;
    const parsed = parseKubernetesType(type)!;
    let holder: unknown = props;
    for (const key of TEMPLATE_PATHS[parsed.kind].path) holder = obj(holder)[key];
    const template = obj(holder);
    const prefix = TEMPLATE_PATHS[parsed.kind].path.join(".");
    return {
        metadata: obj(template.metadata),
        spec: obj(template.spec),
        path: prefix ? `${prefix}.spec` : "spec",
    };
}

/** Containers, init containers and ephemeral containers alike. */
export function containersOf(spec: Obj): ContainerRef[] {
    const refs: ContainerRef[] = [];
    for (const list of ["containers", "initContainers", "ephemeralContainers"] as const) {
        arr(spec[list]).forEach((c, index) => {
            if (!isObj(c)) return;
            refs.push({
                container: c,
                name: str(c.name) ?? `${list}[${index}]`,
                list,
                securityContext: obj(c.securityContext),
            });
        });
    }
    return refs;
}

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
