import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { containersOf, quoteList } from "../../../../lib/pod-spec";

// Kubernetes 1.35 relaxes this for user-namespaced pods at baseline while restricted keeps it;
// the pack keeps the stricter rule for both, so one policy serves both levels.
export const procMountType = podPolicy({
    name: "pss:baseline:proc-mount-type",
    description: "Containers must keep the default /proc masks (procMount unset or Default).",
    severity: "high",
    remediation: "Remove securityContext.procMount or set it to Default.",
    controls: pssControls("baseline", "proc-mount-type"),
    check(pod) {
        const bad = containersOf(pod.spec).filter(
            (c) =>
                c.securityContext.procMount !== undefined &&
                c.securityContext.procMount !== null &&
                c.securityContext.procMount !== "Default",
        );
        return bad.length
            ? [
                  `containers ${quoteList(bad.map((c) => c.name))} must not set securityContext.procMount to ${quoteList([...new Set(bad.map((c) => String(c.securityContext.procMount)))])}`,
              ]
            : [];
    },
});
