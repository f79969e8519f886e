import { ACCESS_CONTROL } from "../../../lib/controls";
import { resourcePolicy } from "../../../lib/define";
import { isKind } from "../../../lib/kubernetes";
import { obj } from "../../../lib/values";

const RBAC = ["rbac.authorization.k8s.io"];

export const noClusterAdminBinding = resourcePolicy({
    name: "k8s:rbac:no-cluster-admin-binding",
    description: "No RoleBinding or ClusterRoleBinding grants the cluster-admin ClusterRole.",
    severity: "critical",
    remediation: "Bind a role with only the permissions the subject needs; use EKS access entries for human administrators.",
    controls: { ...ACCESS_CONTROL, "CIS EKS": ["4.1.1"] },
    appliesTo: (type) => isKind(type, "ClusterRoleBinding", RBAC) || isKind(type, "RoleBinding", RBAC),
    check(resource, report) {
        const roleRef = obj(resource.props.roleRef);
        if (roleRef.kind === "ClusterRole" && roleRef.name === "cluster-admin") report.violation("binds the cluster-admin ClusterRole");
    },
});
