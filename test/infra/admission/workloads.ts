// Pod-bearing objects as a client sends them, and the admission request that carries each one.
import type { AdmissionRequest } from "../../../tools/charts/admission-emulator";

export interface Containers {
    containers: { name: string; image?: string }[];
    initContainers?: { name: string; image?: string }[];
    ephemeralContainers?: { name: string; image?: string }[];
}

const restricted = {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

function podSpec(spec: Containers, restartPolicy?: string): Record<string, unknown> {
    const harden = (list: { name: string; image?: string }[]) => list.map((c) => ({ ...c, securityContext: restricted }));
    return {
        ...(restartPolicy ? { restartPolicy } : {}),
        containers: harden(spec.containers),
        ...(spec.initContainers ? { initContainers: harden(spec.initContainers) } : {}),
        ...(spec.ephemeralContainers
            ? { ephemeralContainers: spec.ephemeralContainers.map((c) => ({ ...c, securityContext: restricted })) }
            : {}),
    };
}

const labels = { app: "api" };
const template = (spec: Containers, restartPolicy?: string) => ({ metadata: { labels }, spec: podSpec(spec, restartPolicy) });

export type Kind =
    "Pod" | "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController" | "Job" | "CronJob" | "PodTemplate";

/** The object of the given kind whose pod spec holds these containers. */
export function workload(kind: Kind, name: string, namespace: string, spec: Containers): Record<string, unknown> {
    const metadata = { name, namespace, labels };
    switch (kind) {
        case "Pod":
            return { apiVersion: "v1", kind, metadata, spec: podSpec(spec) };
        case "Deployment":
        case "ReplicaSet":
        case "DaemonSet":
            return { apiVersion: "apps/v1", kind, metadata, spec: { selector: { matchLabels: labels }, template: template(spec) } };
        case "StatefulSet":
            return {
                apiVersion: "apps/v1",
                kind,
                metadata,
                spec: { serviceName: name, selector: { matchLabels: labels }, template: template(spec) },
            };
        case "ReplicationController":
            return { apiVersion: "v1", kind, metadata, spec: { replicas: 2, selector: labels, template: template(spec) } };
        case "Job":
            return { apiVersion: "batch/v1", kind, metadata, spec: { backoffLimit: 3, template: template(spec, "Never") } };
        case "CronJob":
            return {
                apiVersion: "batch/v1",
                kind,
                metadata,
                spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: template(spec, "OnFailure") } } },
            };
        case "PodTemplate":
            return { apiVersion: "v1", kind, metadata, template: template(spec) };
    }
}

const RESOURCES: Record<Kind, { group: string; version: string; resource: string }> = {
    Pod: { group: "", version: "v1", resource: "pods" },
    Deployment: { group: "apps", version: "v1", resource: "deployments" },
    StatefulSet: { group: "apps", version: "v1", resource: "statefulsets" },
    DaemonSet: { group: "apps", version: "v1", resource: "daemonsets" },
    ReplicaSet: { group: "apps", version: "v1", resource: "replicasets" },
    ReplicationController: { group: "", version: "v1", resource: "replicationcontrollers" },
    Job: { group: "batch", version: "v1", resource: "jobs" },
    CronJob: { group: "batch", version: "v1", resource: "cronjobs" },
    PodTemplate: { group: "", version: "v1", resource: "podtemplates" },
};

export function create(kind: Kind, namespace: string, spec: Containers, name = "api"): AdmissionRequest {
    return { operation: "CREATE", resource: RESOURCES[kind], namespace, object: workload(kind, name, namespace, spec) };
}

/** `kubectl debug`: an UPDATE of the pods/ephemeralcontainers subresource carrying the whole Pod. */
export function addEphemeralContainer(namespace: string, spec: Containers, debug: { name: string; image?: string }): AdmissionRequest {
    const oldObject = workload("Pod", "api", namespace, spec);
    const object = workload("Pod", "api", namespace, { ...spec, ephemeralContainers: [...(spec.ephemeralContainers ?? []), debug] });
    return { operation: "UPDATE", resource: RESOURCES.Pod, subResource: "ephemeralcontainers", namespace, object, oldObject };
}

/** Every image in the object's pod spec, found by walking the object independently of the CEL. */
export function imagesOf(object: Record<string, unknown>): string[] {
    const o = object as { kind: string; spec?: any; template?: any };
    const spec =
        o.kind === "Pod"
            ? o.spec
            : o.kind === "PodTemplate"
              ? o.template.spec
              : o.kind === "CronJob"
                ? o.spec.jobTemplate.spec.template.spec
                : o.spec.template.spec;
    const lists = [spec.containers, spec.initContainers, spec.ephemeralContainers] as ({ image?: string }[] | undefined)[];
    return lists.flatMap((list) => (list ?? []).map((c) => c.image ?? ""));
}
