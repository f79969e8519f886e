import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";

/** Sharing the host's network, PID or IPC namespace breaks the pod's isolation from the node. */
export const hostNamespaces = podPolicy({
    name: "pss:baseline:host-namespaces",
    description: "Pods must not share the host's network, PID or IPC namespaces.",
    severity: "critical",
    remediation: "Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).",
    controls: pssControls("baseline", "host-namespaces", ["4.2.2", "4.2.3", "4.2.4"]),
    check(pod) {
        const set = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => pod.spec[k] === true);
        return set.length ? [`${pod.path} must not set ${set.map((k) => `${k}=true`).join(", ")}`] : [];
    },
});
