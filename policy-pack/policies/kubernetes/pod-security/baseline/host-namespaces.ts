import { pssControls } from "../../../../lib/controls";
import { podSecurityControl } from "../define";

/** check_hostNamespaces.go (1.0): sharing the host's network, PID or IPC namespace breaks the pod's isolation from the node. */
export const hostNamespaces = podSecurityControl({
    name: "pss:baseline:host-namespaces",
    description: "Pods must not share the host's network, PID or IPC namespaces.",
    severity: "critical",
    remediation: "Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).",
    controls: pssControls("baseline", "host-namespaces", ["4.2.2", "4.2.3", "4.2.4"]),
    judge(pod) {
        const set = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => pod.spec[k] === true);
        return set.length ? [`${pod.path} must not set ${set.map((k) => `${k}=true`).join(", ")}`] : [];
    },
});
