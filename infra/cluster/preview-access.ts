// The Kubernetes rights of the pull-request preview. Pulumi's Kubernetes provider previews with server-side
// dry runs, and the API server authorises a dry run exactly like the write it simulates (RBAC cannot tell
// them apart): a preview of this program needs get, create, update and patch on every kind the program and
// its charts manage, Secrets included (Helm reads its release history from them), and escalate and bind on
// RBAC (a role may only create roles with rights it holds, or bind them). That is write access in all but
// name, and with escalate it can grant itself more: only the IAM side (who may assume the role, from where)
// keeps it a preview. What a preview never sends, and so the role never has, is delete.
import { MANAGED_BY } from "../namespaces/baseline";
import { PREVIEW_GROUP } from "./config";

export const PREVIEW_CLUSTER_ROLE = "secure-platform-preview";

/** What a dry run creates, updates and patches: the kinds the program declares and its charts render. */
export const PREVIEW_RESOURCES: { apiGroups: string[]; resources: string[] }[] = [
    {
        apiGroups: [""],
        resources: ["namespaces", "serviceaccounts", "services", "configmaps", "limitranges", "resourcequotas", "persistentvolumeclaims"],
    },
    { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "daemonsets"] },
    { apiGroups: ["batch"], resources: ["jobs", "cronjobs"] },
    { apiGroups: ["policy"], resources: ["poddisruptionbudgets"] },
    { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"] },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"] },
    { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"] },
    { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings", "clusterroles", "clusterrolebindings"] },
    {
        apiGroups: ["admissionregistration.k8s.io"],
        resources: [
            "validatingadmissionpolicies",
            "validatingadmissionpolicybindings",
            "validatingwebhookconfigurations",
            "mutatingwebhookconfigurations",
        ],
    },
    { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"] },
    { apiGroups: ["coordination.k8s.io"], resources: ["leases"] },
    { apiGroups: ["security.istio.io"], resources: ["authorizationpolicies", "peerauthentications", "requestauthentications"] },
    {
        apiGroups: ["networking.istio.io"],
        resources: ["gateways", "virtualservices", "destinationrules", "serviceentries", "sidecars"],
    },
    { apiGroups: ["telemetry.istio.io"], resources: ["telemetries"] },
    {
        apiGroups: ["monitoring.coreos.com"],
        resources: ["prometheusrules", "servicemonitors", "podmonitors", "prometheuses", "alertmanagers"],
    },
    { apiGroups: ["policy.sigstore.dev"], resources: ["clusterimagepolicies"] },
    // Trivy Operator's chart installs the compliance specifications it reports against.
    { apiGroups: ["aquasecurity.github.io"], resources: ["clustercompliancereports"] },
];

const DRY_RUN_VERBS = ["get", "list", "watch", "create", "update", "patch"];

export function previewClusterRole() {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1" as const,
        kind: "ClusterRole" as const,
        metadata: { name: PREVIEW_CLUSTER_ROLE, labels: MANAGED_BY },
        rules: [
            ...PREVIEW_RESOURCES.map((r) => ({ ...r, verbs: DRY_RUN_VERBS })),
            // Creating a Role or binding needs the rights it grants, or these two verbs on RBAC objects.
            {
                apiGroups: ["rbac.authorization.k8s.io"],
                resources: ["roles", "clusterroles"],
                verbs: ["escalate", "bind"],
            },
            // Helm reads a release's history (Secrets of type helm.sh/release.v1) to diff an upgrade; the
            // program's own Secrets are previewed as dry-run writes.
            { apiGroups: [""], resources: ["secrets"], verbs: DRY_RUN_VERBS },
        ],
    };
}

export function previewClusterRoleBinding() {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1" as const,
        kind: "ClusterRoleBinding" as const,
        metadata: { name: PREVIEW_CLUSTER_ROLE, labels: MANAGED_BY },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: PREVIEW_CLUSTER_ROLE },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: PREVIEW_GROUP }],
    };
}
