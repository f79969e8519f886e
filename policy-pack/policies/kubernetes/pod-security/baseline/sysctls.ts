import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { podSecurityContext } from "../../../../lib/pod-spec";
import { arr, obj } from "../../../../lib/values";

// The namespaced, isolated sysctls the admission controller allows at its latest version.
const SAFE_SYSCTLS = new Set([
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
]);

export const sysctls = podPolicy({
    name: "pss:baseline:sysctls",
    description: "Pods may set only the safe, namespaced sysctls.",
    severity: "high",
    remediation: "Remove the unsafe entries from securityContext.sysctls.",
    controls: pssControls("baseline", "sysctls"),
    check(pod) {
        const bad = arr(podSecurityContext(pod.spec).sysctls)
            .map((s) => obj(s).name)
            .filter((n) => !SAFE_SYSCTLS.has(String(n)))
            .map(String);
        return bad.length ? [`forbidden sysctls ${bad.join(", ")}`] : [];
    },
});
