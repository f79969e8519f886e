import { noClusterAdminBinding } from "../../../../../policy-pack/policies/kubernetes/rbac/no-cluster-admin-binding";
import { rbacNoWildcards } from "../../../../../policy-pack/policies/kubernetes/rbac/no-wildcards";
import { check, expectNone, expectViolations } from "../../../helpers";

describe("k8s:rbac", () => {
    it("no-wildcards passes named rules and flags * in verbs, resources or apiGroups", async () => {
        const role = (rules: unknown[]) => ({ type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", name: "r", props: { rules } });
        expectNone(await check(rbacNoWildcards, role([{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }])));
        expectViolations(await check(rbacNoWildcards, role([{ apiGroups: ["*"], resources: ["pods"], verbs: ["get"] }])), /apiGroups/);
        expectViolations(
            await check(rbacNoWildcards, {
                ...role([{ apiGroups: [""], resources: ["*"], verbs: ["*"] }]),
                type: "kubernetes:rbac.authorization.k8s.io/v1:Role",
            }),
            /verbs, resources/,
        );
    });
    it("no-cluster-admin-binding flags bindings to cluster-admin only", async () => {
        const binding = (name: string) => ({
            type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
            name: "b",
            props: { roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name }, subjects: [] },
        });
        expectNone(await check(noClusterAdminBinding, binding("view")));
        expectViolations(await check(noClusterAdminBinding, binding("cluster-admin")), /cluster-admin/);
        expectViolations(
            await check(noClusterAdminBinding, {
                ...binding("cluster-admin"),
                type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
            }),
        );
    });
});
