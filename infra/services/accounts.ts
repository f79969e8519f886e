// Each service's Kubernetes identity (which is also its mesh identity) and exactly the API access it declared.
import type * as k8s from "@pulumi/kubernetes";
import { MANAGED_BY } from "../namespaces/baseline";
import type { Workload } from "./graph";

type Manifest<T> = T & { apiVersion: string; kind: string; metadata: { name: string; namespace: string } };

/**
 * The sidecar gets its own projected token (audience istio-ca) from the injector, so the mesh identity does not
 * need the default token; the application gets one only when it declared Kubernetes API access.
 */
export function serviceAccount(workload: Workload): Manifest<k8s.types.input.core.v1.ServiceAccount> {
    return {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: workload.serviceAccount, namespace: workload.namespace, labels: { ...MANAGED_BY, ...workload.labels } },
        automountServiceAccountToken: workload.config.kubernetesApi.length > 0,
    };
}

const roleName = (workload: Workload) => `${workload.name}-api`;

/** Exactly the declared rules, in the service's namespace; undefined when the service declared none. */
export function apiRole(workload: Workload): Manifest<k8s.types.input.rbac.v1.Role> | undefined {
    const access = workload.config.kubernetesApi;
    if (access.length === 0) return undefined;
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: roleName(workload), namespace: workload.namespace, labels: MANAGED_BY },
        rules: access.map((rule) => ({
            apiGroups: rule.apiGroups,
            resources: rule.resources,
            verbs: rule.verbs,
            ...(rule.resourceNames ? { resourceNames: rule.resourceNames } : {}),
        })),
    };
}

export function apiRoleBinding(workload: Workload): Manifest<k8s.types.input.rbac.v1.RoleBinding> | undefined {
    if (workload.config.kubernetesApi.length === 0) return undefined;
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: roleName(workload), namespace: workload.namespace, labels: MANAGED_BY },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName(workload) },
        subjects: [{ kind: "ServiceAccount", name: workload.serviceAccount, namespace: workload.namespace }],
    };
}
