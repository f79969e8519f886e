import { pssControls } from "../../../../lib/controls";
import { containersOf, isUserNamespacePod, podSecurityContext, quoteList } from "../../../../lib/pod-spec";
import { podSecurityControl } from "../define";

/**
 * check_runAsNonRoot.go: 1.0, and from 1.35 (runAsNonRoot_1_35) a user-namespaced pod (hostUsers:
 * false) passes, its root being unprivileged on the node; before 1.35 only behind an alpha gate, off by default.
 */
export const runningAsNonRoot = podSecurityControl({
    name: "pss:restricted:running-as-non-root",
    description: "Containers must run with runAsNonRoot: true (pod level, or on every container), and none may set it to false.",
    severity: "high",
    remediation:
        "Set securityContext.runAsNonRoot: true on the pod; remove any container-level runAsNonRoot: false (or, from Kubernetes 1.35, run the pod with hostUsers: false).",
    controls: pssControls("restricted", "running-as-non-root", ["4.2.6"]),
    judge(pod, version) {
        if (version.policy >= 35 && isUserNamespacePod(pod.spec)) return [];
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
