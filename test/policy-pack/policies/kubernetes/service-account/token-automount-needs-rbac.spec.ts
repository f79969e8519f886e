import { tokenAutomountNeedsRbac } from "../../../../../policy-pack/policies/kubernetes/service-account/token-automount-needs-rbac";
import { checkStack, expectNone, expectViolations } from "../../../helpers";

const serviceAccount = (name: string, automount: boolean | undefined) => ({
    type: "kubernetes:core/v1:ServiceAccount",
    name,
    props: {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name, namespace: "payments" },
        ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
    },
});
const binding = (kind: "RoleBinding" | "ClusterRoleBinding", subject: string) => ({
    type: `kubernetes:rbac.authorization.k8s.io/v1:${kind}`,
    name: `${kind}-${subject}`,
    props: {
        metadata: { name: subject, ...(kind === "RoleBinding" ? { namespace: "payments" } : {}) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "ledger-api" },
        subjects: [{ kind: "ServiceAccount", name: subject, namespace: "payments" }],
    },
});

describe("k8s:service-account:token-automount-needs-rbac", () => {
    it("passes accounts that opt out, and an opted-in account the stack binds to a role", async () => {
        expectNone(
            await checkStack(tokenAutomountNeedsRbac, [
                serviceAccount("catalog", false),
                serviceAccount("other", undefined),
                serviceAccount("ledger-writer", true),
                binding("RoleBinding", "ledger-writer"),
            ]),
        );
        expectNone(
            await checkStack(tokenAutomountNeedsRbac, [serviceAccount("operator", true), binding("ClusterRoleBinding", "operator")]),
        );
    });
    it("flags an account that mounts its token with no binding granting it anything", async () => {
        expectViolations(await checkStack(tokenAutomountNeedsRbac, [serviceAccount("catalog", true)]), /payments\/catalog/);
        expectViolations(
            await checkStack(tokenAutomountNeedsRbac, [serviceAccount("catalog", true), binding("RoleBinding", "ledger-writer")]),
            /payments\/catalog/,
        );
    });
});
