import { ACCESS_CONTROL } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { isIstioKind } from "../../lib/kubernetes";
import { arr, isObj, obj } from "../../lib/values";

export const authorizationPolicyNoAllowAll = resourcePolicy({
    name: "istio:authorization-policy-no-allow-all",
    description: "ALLOW AuthorizationPolicies name their callers: no empty rule (allow-all) and no `*` principal or namespace.",
    severity: "critical",
    remediation: "Write rules with from.source.principals of the calling workloads (cluster.local/ns/<ns>/sa/<sa>).",
    controls: { ...ACCESS_CONTROL, "ISO 27001:2022": ["A.5.15", "A.8.22"] },
    appliesTo: (type) => isIstioKind(type, "AuthorizationPolicy"),
    check(resource, report) {
        const spec = obj(resource.props.spec);
        const action = spec.action ?? "ALLOW";
        if (action !== "ALLOW") return;
        arr(spec.rules).forEach((rule, i) => {
            if (isObj(rule) && Object.keys(rule).length === 0) {
                report.violation(`rules[${i}] is empty, which allows every request`);
                return;
            }
            arr(obj(rule).from).forEach((from, j) => {
                const source = obj(obj(from).source);
                for (const field of ["principals", "namespaces"]) {
                    if (arr(source[field]).includes("*")) report.violation(`rules[${i}].from[${j}].source.${field} contains "*"`);
                }
            });
        });
    },
});
