import { pssControls } from "../../../../lib/controls";
import { containersOf, podSecurityContext, quoteList } from "../../../../lib/pod-spec";
import { obj } from "../../../../lib/values";
import { podSecurityControl } from "../define";

/** check_windowsHostProcess.go (1.0): HostProcess containers get privileged access to the Windows node. */
export const hostProcess = podSecurityControl({
    name: "pss:baseline:host-process",
    description: "Windows pods must not run HostProcess containers (windowsOptions.hostProcess).",
    severity: "critical",
    remediation: "Remove securityContext.windowsOptions.hostProcess (or set it to false) at pod and container level.",
    controls: pssControls("baseline", "host-process"),
    judge(pod) {
        const bad: string[] = [];
        if (obj(podSecurityContext(pod.spec).windowsOptions).hostProcess === true) bad.push("pod");
        const containers = containersOf(pod.spec)
            .filter((c) => obj(c.securityContext.windowsOptions).hostProcess === true)
            .map((c) => c.name);
        if (containers.length) bad.push(`containers ${quoteList(containers)}`);
        return bad.length ? [`${bad.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true`] : [];
    },
});
