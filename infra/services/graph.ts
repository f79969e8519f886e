// The declared service graph, resolved: who each service is (its SPIFFE identity) and who may call whom.
import { resolveServiceRef, type ServiceConfig } from "./config";

/** The pod label that selects a service's workloads; Deployments of the service must carry it. */
export const WORKLOAD_LABEL = "app.kubernetes.io/name";
/** The trust domain istiod signs for (meshConfig.trustDomain). */
export const TRUST_DOMAIN = "cluster.local";

export interface Workload {
    /** "namespace/name" */
    id: string;
    name: string;
    namespace: string;
    serviceAccount: string;
    /** The identity Istio authorization policies match: <trust domain>/ns/<namespace>/sa/<account>. */
    principal: string;
    /** The SPIFFE ID in the workload's certificate. */
    spiffeId: string;
    labels: Record<string, string>;
    config: ServiceConfig;
}

export interface Edge {
    caller: Workload;
    callee: Workload;
}

export interface ServiceGraph {
    workloads: Workload[];
    edges: Edge[];
}

export function workloadOf(service: ServiceConfig): Workload {
    const serviceAccount = service.serviceAccount ?? service.name;
    const principal = `${TRUST_DOMAIN}/ns/${service.namespace}/sa/${serviceAccount}`;
    return {
        id: `${service.namespace}/${service.name}`,
        name: service.name,
        namespace: service.namespace,
        serviceAccount,
        principal,
        spiffeId: `spiffe://${principal}`,
        labels: { [WORKLOAD_LABEL]: service.name },
        config: service,
    };
}

/** Resolves every caller reference; config validation has already rejected references to unknown services. */
export function serviceGraph(services: ServiceConfig[]): ServiceGraph {
    const workloads = services.map(workloadOf);
    const byId = new Map(workloads.map((w) => [w.id, w]));
    const edges: Edge[] = [];
    for (const callee of workloads) {
        const seen = new Set<string>();
        for (const ref of callee.config.callers) {
            const { namespace, name } = resolveServiceRef(ref, callee.namespace);
            const caller = byId.get(`${namespace}/${name}`);
            if (!caller) throw new Error(`service ${callee.id}: caller ${ref} names no declared service`);
            if (seen.has(caller.id)) continue;
            seen.add(caller.id);
            edges.push({ caller, callee });
        }
    }
    return { workloads, edges };
}

export const callersOf = (graph: ServiceGraph, callee: Workload) =>
    graph.edges.filter((e) => e.callee.id === callee.id).map((e) => e.caller);
export const calleesOf = (graph: ServiceGraph, caller: Workload) =>
    graph.edges.filter((e) => e.caller.id === caller.id).map((e) => e.callee);

/** The in-cluster DNS name of a service. */
export const serviceHost = (w: Pick<Workload, "name" | "namespace">) => `${w.name}.${w.namespace}.svc.cluster.local`;
