import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { containersOf, quoteList } from "../../../../lib/pod-spec";

/** A privileged container has every capability and all host devices. */
export const privilegedContainers = podPolicy({
    name: "pss:baseline:privileged-containers",
    description: "Containers, init containers and ephemeral containers must not run privileged.",
    severity: "critical",
    remediation: "Remove securityContext.privileged (or set it to false); grant the one capability needed instead.",
    controls: pssControls("baseline", "privileged-containers", ["4.2.1"]),
    check(pod) {
        const bad = containersOf(pod.spec)
            .filter((c) => c.securityContext.privileged === true)
            .map((c) => c.name);
        return bad.length ? [`privileged: containers ${quoteList(bad)} must not set securityContext.privileged=true`] : [];
    },
});
