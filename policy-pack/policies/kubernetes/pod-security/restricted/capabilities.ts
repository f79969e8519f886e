import { pssControls } from "../../../../lib/controls";
import { containersOf, isWindowsPod, quoteList } from "../../../../lib/pod-spec";
import { arr, obj } from "../../../../lib/values";
import { podSecurityControl } from "../define";

/** check_capabilities_restricted.go (1.22; from 1.25 Windows pods are exempt); replaces pss:baseline:capabilities at restricted. */
export const capabilitiesRestricted = podSecurityControl({
    name: "pss:restricted:capabilities",
    description: "Every container must drop ALL capabilities and may add back only NET_BIND_SERVICE (Linux pods).",
    severity: "high",
    remediation: 'Set securityContext.capabilities.drop: ["ALL"]; add only NET_BIND_SERVICE if the process binds a port below 1024.',
    controls: pssControls("restricted", "capabilities", ["4.2.8", "4.2.9"]),
    overrides: ["pss:baseline:capabilities"],
    judge(pod) {
        if (isWindowsPod(pod.spec)) return [];
        const messages: string[] = [];
        const containers = containersOf(pod.spec);
        const notDropping = containers.filter((c) => !arr(obj(c.securityContext.capabilities).drop).includes("ALL")).map((c) => c.name);
        if (notDropping.length) messages.push(`containers ${quoteList(notDropping)} must set securityContext.capabilities.drop=["ALL"]`);
        const adding = containers.filter((c) => arr(obj(c.securityContext.capabilities).add).some((cap) => cap !== "NET_BIND_SERVICE"));
        if (adding.length) {
            const caps = new Set(
                adding.flatMap((c) =>
                    arr(obj(c.securityContext.capabilities).add)
                        .filter((cap) => cap !== "NET_BIND_SERVICE")
                        .map(String),
                ),
            );
            messages.push(
                `containers ${quoteList(adding.map((c) => c.name))} must not include ${quoteList([...caps])} in securityContext.capabilities.add`,
            );
        }
        return messages;
    },
});
