import { ACCESS_CONTROL } from "../../../lib/controls";
import { stackPolicy } from "../../../lib/define";
import { isKind, namespaceOf, objectName } from "../../../lib/kubernetes";
import { arr, isObj, str } from "../../../lib/values";

/**
 * A ServiceAccount that turns token automount on hands an API credential to every pod that uses it.
 * That is only justified for an account the stack grants API permissions to (a RoleBinding or
 * ClusterRoleBinding subject); any other account opts pods in one by one, or not at all.
 */
export const tokenAutomountNeedsRbac = stackPolicy({
    name: "k8s:service-account:token-automount-needs-rbac",
    description: "A ServiceAccount sets automountServiceAccountToken: true only when the stack binds it to a Role or ClusterRole.",
    severity: "medium",
    remediation:
        "Set automountServiceAccountToken: false on the ServiceAccount, or bind the Role it needs with a RoleBinding in the same stack.",
    controls: { ...ACCESS_CONTROL, "CIS EKS": ["4.1.6"] },
    check(resources, report) {
        const bound = new Set<string>();
        for (const r of resources) {
            if (
                !isKind(r.type, "RoleBinding", ["rbac.authorization.k8s.io"]) &&
                !isKind(r.type, "ClusterRoleBinding", ["rbac.authorization.k8s.io"])
            )
                continue;
            for (const subject of arr(r.props.subjects)) {
                if (!isObj(subject) || subject.kind !== "ServiceAccount") continue;
                bound.add(`${str(subject.namespace) ?? namespaceOf(r.type, r.props) ?? ""}/${str(subject.name) ?? ""}`);
            }
        }
        for (const r of resources) {
            if (!isKind(r.type, "ServiceAccount", ["core"]) || r.props.automountServiceAccountToken !== true) continue;
            const key = `${namespaceOf(r.type, r.props) ?? ""}/${objectName(r.props, r.name)}`;
            if (!bound.has(key))
                report.violation(
                    `ServiceAccount ${key} mounts its API token in every pod but no RoleBinding or ClusterRoleBinding in the stack grants it anything`,
                    r.urn,
                );
        }
    },
});
