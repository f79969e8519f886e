import { CHANGE_INTEGRITY } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { isKind } from "../../lib/kubernetes";
import { at } from "../../lib/values";

/** failurePolicy Ignore admits every object whose check errors out (a CEL runtime error, a missing param). */
export const admissionFailClosed = resourcePolicy({
    name: "admission:fail-closed",
    description: "ValidatingAdmissionPolicies fail closed: failurePolicy is Fail (the default), never Ignore.",
    severity: "high",
    remediation: "Remove failurePolicy or set it to Fail; fix the expression that errors instead of ignoring it.",
    controls: { ...CHANGE_INTEGRITY, "SOC 2": ["CC6.8", "CC8.1"], "CIS EKS": ["5.1.4"] },
    appliesTo: (type) => isKind(type, "ValidatingAdmissionPolicy", ["admissionregistration.k8s.io"]),
    check(resource, report) {
        if (at(resource.props, "spec.failurePolicy") === "Ignore")
            report.violation("failurePolicy Ignore admits objects whenever the policy cannot be evaluated");
    },
});
