// Istio AuthorizationPolicies from the service graph: deny by default, then exactly the declared calls.
import type { IstioManifest } from "../mesh/policies";
import { MANAGED_BY } from "../namespaces/baseline";
import { callersOf, type ServiceGraph, type Workload } from "./graph";

const AUTHORIZATION = { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy" } as const;

/**
 * An ALLOW policy with no rules matches no request, and once any ALLOW policy applies to a workload Istio
 * denies every request that no ALLOW rule matches: `spec: {}` therefore denies everything in the namespace.
 */
export function allowNothingPolicy(namespace: string): IstioManifest {
    return { ...AUTHORIZATION, metadata: { name: "allow-nothing", namespace, labels: MANAGED_BY }, spec: {} };
}

/** Lets exactly the declared callers, by SPIFFE principal, reach the callee's declared ports; nothing else. */
export function allowCallersPolicy(callee: Workload, callers: Workload[]): IstioManifest {
    if (callers.length === 0) throw new Error(`service ${callee.id}: an ALLOW policy needs at least one caller`);
    return {
        ...AUTHORIZATION,
        metadata: { name: `allow-callers-${callee.name}`, namespace: callee.namespace, labels: MANAGED_BY },
        spec: {
            selector: { matchLabels: callee.labels },
            action: "ALLOW",
            rules: [
                {
                    from: [{ source: { principals: [...new Set(callers.map((c) => c.principal))].sort() } }],
                    to: [{ operation: { ports: callee.config.ports.map((p) => String(p.port)) } }],
                },
            ],
        },
    };
}

/** The namespace-wide deny for every application namespace, and one ALLOW policy per service that has callers. */
export function authorizationPolicies(graph: ServiceGraph, applicationNamespaces: string[]): IstioManifest[] {
    const policies = applicationNamespaces.map(allowNothingPolicy);
    for (const callee of graph.workloads) {
        const callers = callersOf(graph, callee);
        if (callers.length > 0) policies.push(allowCallersPolicy(callee, callers));
    }
    return policies;
}
