import { pssControls } from "../../../../lib/controls";
import { containersOf, quoteList } from "../../../../lib/pod-spec";
import { podSecurityControl } from "../define";

/** check_privileged.go (1.0): a privileged container has every capability and all host devices. */
export const privilegedContainers = podSecurityControl({
    name: "pss:baseline:privileged-containers",
    description: "Containers, init containers and ephemeral containers must not run privileged.",
    severity: "critical",
    remediation: "Remove securityContext.privileged (or set it to false); grant the one capability needed instead.",
    controls: pssControls("baseline", "privileged-containers", ["4.2.1"]),
    judge(pod) {
        const bad = containersOf(pod.spec)
            .filter((c) => c.securityContext.privileged === true)
            .map((c) => c.name);
        return bad.length ? [`privileged: containers ${quoteList(bad)} must not set securityContext.privileged=true`] : [];
    },
});
