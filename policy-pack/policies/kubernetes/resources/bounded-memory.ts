import { stackPolicy } from "../../../lib/define";
import { isKind, namespaceOf } from "../../../lib/kubernetes";
import { containersOf, podTemplateOf } from "../../../lib/pod-spec";
import { arr, at, isObj, obj } from "../../../lib/values";

/**
 * A container without a memory limit can take its node's memory and evict its neighbours. The limit
 * may come from the container itself or from its namespace's LimitRange default, which the API server
 * applies at admission; a container with neither is unbounded.
 */
export const boundedMemory = stackPolicy({
    name: "k8s:resources:bounded-memory",
    description: "Every container and init container has a memory limit: its own, or the default of a LimitRange in its namespace.",
    severity: "medium",
    remediation:
        "Set resources.limits.memory on the container, or add a LimitRange with a default memory limit for Containers to the namespace.",
    controls: { "SOC 2": ["A1.1", "CC6.8"], "ISO 27001:2022": ["A.8.6"], HIPAA: ["164.312(a)(1)"], GDPR: ["Art. 32(1)(b)"] },
    check(resources, report) {
        const defaulted = new Set<string>();
        for (const r of resources) {
            if (!isKind(r.type, "LimitRange", ["core"])) continue;
            const hasDefault = arr(at(r.props, "spec.limits")).some(
                (l) => isObj(l) && l.type === "Container" && obj(l.default).memory !== undefined,
            );
            const namespace = namespaceOf(r.type, r.props);
            if (hasDefault && namespace) defaulted.add(namespace);
        }
        for (const r of resources) {
            const pod = podTemplateOf(r.type, r.props);
            if (!pod) continue;
            const namespace = namespaceOf(r.type, r.props) ?? "default";
            if (defaulted.has(namespace)) continue;
            const unbounded = containersOf(pod.spec)
                .filter((c) => c.list !== "ephemeralContainers" && at(c.container, "resources.limits.memory") === undefined)
                .map((c) => c.name);
            if (unbounded.length)
                report.violation(
                    `${pod.path}: containers ${unbounded.join(", ")} have no memory limit and namespace "${namespace}" has no LimitRange default`,
                    r.urn,
                );
        }
    },
});
