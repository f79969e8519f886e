import { pssControls } from "../../../../lib/controls";
import { containersOf, quoteList } from "../../../../lib/pod-spec";
import { arr, obj } from "../../../../lib/values";
import { podSecurityControl } from "../define";

// check_capabilities_baseline.go capabilities_allowed_1_0: one version, compared exactly.
const ALLOWED = new Set([
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
]);

export const capabilitiesBaseline = podSecurityControl({
    name: "pss:baseline:capabilities",
    description: "Containers may add only the baseline's default capabilities (no NET_ADMIN, SYS_ADMIN, NET_RAW, ...).",
    severity: "high",
    remediation: "Remove the extra entries from securityContext.capabilities.add; run with the default set or drop ALL.",
    controls: pssControls("baseline", "capabilities", ["4.2.7", "4.2.8", "4.2.9"]),
    judge(pod) {
        const bad: string[] = [];
        const caps = new Set<string>();
        for (const c of containersOf(pod.spec)) {
            const added = arr(obj(c.securityContext.capabilities).add)
                .map(String)
                .filter((cap) => !ALLOWED.has(cap));
            if (added.length) {
                bad.push(c.name);
                added.forEach((cap) => caps.add(cap));
            }
        }
        return bad.length ? [`containers ${quoteList(bad)} must not add capabilities ${quoteList([...caps])}`] : [];
    },
});
