import { WORKLOAD_ISOLATION } from "../../../lib/controls";
import { podPolicy } from "../../../lib/define";
import { containersOf, isWindowsPod, quoteList } from "../../../lib/pod-spec";

/**
 * A writable root filesystem lets a compromised process alter its own binaries and drop tools;
 * writes belong on emptyDir or volume mounts. Advisory first, as every new check that can fail a preview.
 */
export const readOnlyRootFilesystem = podPolicy({
    name: "k8s:containers:read-only-root-filesystem",
    description:
        "Every container, init container and ephemeral container runs with securityContext.readOnlyRootFilesystem: true (Linux pods).",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation:
        "Set securityContext.readOnlyRootFilesystem: true on every container and mount an emptyDir where the process writes (/tmp, caches); or exempt the workload with the reason it must write to its root filesystem.",
    controls: WORKLOAD_ISOLATION,
    check(pod) {
        // Windows containers cannot set the field (the API rejects it when spec.os.name is windows).
        if (isWindowsPod(pod.spec)) return [];
        const bad = containersOf(pod.spec)
            .filter((c) => c.securityContext.readOnlyRootFilesystem !== true)
            .map((c) => c.name);
        return bad.length ? [`containers ${quoteList(bad)} must set securityContext.readOnlyRootFilesystem=true`] : [];
    },
});
