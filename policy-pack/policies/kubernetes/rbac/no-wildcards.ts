import { ACCESS_CONTROL } from "../../../lib/controls";
import { resourcePolicy } from "../../../lib/define";
import { isKind } from "../../../lib/kubernetes";
import { arr, obj } from "../../../lib/values";

const RBAC = ["rbac.authorization.k8s.io"];

export const rbacNoWildcards = resourcePolicy({
    name: "k8s:rbac:no-wildcards",
    description: "Roles and ClusterRoles grant named verbs on named resources: no `*` in verbs, resources or apiGroups.",
    severity: "high",
    remediation: "List the exact apiGroups, resources and verbs the subject needs.",
    controls: { ...ACCESS_CONTROL, "CIS EKS": ["4.1.3"] },
    appliesTo: (type) => isKind(type, "Role", RBAC) || isKind(type, "ClusterRole", RBAC),
    check(resource, report) {
        arr(resource.props.rules).forEach((rule, i) => {
            const fields = (["verbs", "resources", "apiGroups"] as const).filter((f) => arr(obj(rule)[f]).includes("*"));
            if (fields.length) report.violation(`rules[${i}] uses "*" in ${fields.join(", ")}`);
        });
    },
});
