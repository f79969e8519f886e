import { pssControls } from "../../../../lib/controls";
import { perKey } from "../../../../lib/memo";
import { podSecurityContext } from "../../../../lib/pod-spec";
import { arr, obj } from "../../../../lib/values";
import { podSecurityControl } from "../define";

// check_sysctls.go: the safe, namespaced sysctls, a set that grows by policy version
// (sysctlsAllowedV1Dot0, V1Dot27, V1Dot29, V1Dot32); each minimum version with what it adds.
const SAFE_SYSCTLS_SINCE: [number, string[]][] = [
    [
        0,
        [
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_unprivileged_port_start",
        ],
    ],
    [27, ["net.ipv4.ip_local_reserved_ports"]],
    [29, ["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]],
    [32, ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]],
];

// The set of a version is built once: every pod of every resource is judged at one of a few versions.
export const safeSysctls: (policyMinor: number) => ReadonlySet<string> = perKey(
    (policyMinor: number) => new Set(SAFE_SYSCTLS_SINCE.filter(([since]) => since <= policyMinor).flatMap(([, names]) => names)),
    1000,
);

export const sysctls = podSecurityControl({
    name: "pss:baseline:sysctls",
    description: "Pods may set only the safe, namespaced sysctls of their Kubernetes version.",
    severity: "high",
    remediation: "Remove the unsafe entries from securityContext.sysctls.",
    controls: pssControls("baseline", "sysctls"),
    judge(pod, version) {
        const safe = safeSysctls(version.policy);
        const bad = arr(podSecurityContext(pod.spec).sysctls)
            .map((s) => obj(s).name)
            .filter((n) => !safe.has(String(n)))
            .map(String);
        return bad.length ? [`forbidden sysctls ${bad.join(", ")}`] : [];
    },
});
