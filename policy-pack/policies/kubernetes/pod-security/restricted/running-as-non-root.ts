import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { containersOf, podSecurityContext, quoteList } from "../../../../lib/pod-spec";

export const runningAsNonRoot = podPolicy({
    name: "pss:restricted:running-as-non-root",
    description: "Containers must run with runAsNonRoot: true (pod level, or on every container), and none may set it to false.",
    severity: "high",
    remediation: "Set securityContext.runAsNonRoot: true on the pod; remove any container-level runAsNonRoot: false.",
    controls: pssControls("restricted", "running-as-non-root", ["4.2.6"]),
    check(pod) {
        const podValue = podSecurityContext(pod.spec).runAsNonRoot;
        const explicitBad: string[] = podValue === false ? ["pod"] : [];
        const containers = containersOf(pod.spec);
        const explicitContainers = containers.filter((c) => c.securityContext.runAsNonRoot === false).map((c) => c.name);
        if (explicitContainers.length) explicitBad.push(`containers ${quoteList(explicitContainers)}`);
        if (explicitBad.length) return [`${explicitBad.join(" and ")} must not set securityContext.runAsNonRoot=false`];
        const implicit = containers.filter((c) => c.securityContext.runAsNonRoot !== true && podValue !== true).map((c) => c.name);
        return implicit.length ? [`pod or containers ${quoteList(implicit)} must set securityContext.runAsNonRoot=true`] : [];
    },
});
