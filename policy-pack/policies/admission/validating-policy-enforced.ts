import { CHANGE_INTEGRITY } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";
import { isKind, objectName } from "../../lib/kubernetes";
import { at, str, strings } from "../../lib/values";

const GROUP = ["admissionregistration.k8s.io"];

/** A ValidatingAdmissionPolicy does nothing until a binding names it, and only Deny actions block. */
export const validatingPolicyEnforced = stackPolicy({
    name: "admission:validating-policy-enforced",
    description:
        "Every ValidatingAdmissionPolicy of the stack is named by a ValidatingAdmissionPolicyBinding whose validationActions include Deny.",
    severity: "high",
    remediation: "Add a ValidatingAdmissionPolicyBinding with spec.policyName set to the policy and validationActions: [Deny, Audit].",
    controls: { ...CHANGE_INTEGRITY, "SOC 2": ["CC6.8", "CC8.1"], "CIS EKS": ["5.1.4"] },
    check(resources, report) {
        const denying = new Set<string>();
        for (const r of resources) {
            if (!isKind(r.type, "ValidatingAdmissionPolicyBinding", GROUP)) continue;
            const name = str(at(r.props, "spec.policyName"));
            if (name && strings(at(r.props, "spec.validationActions")).includes("Deny")) denying.add(name);
        }
        for (const r of resources) {
            if (!isKind(r.type, "ValidatingAdmissionPolicy", GROUP)) continue;
            const name = objectName(r.props, r.name);
            if (!denying.has(name))
                report.violation(
                    `ValidatingAdmissionPolicy ${name} has no binding that denies (validationActions with Deny): it blocks nothing`,
                    r.urn,
                );
        }
    },
});
