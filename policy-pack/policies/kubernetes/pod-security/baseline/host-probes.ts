import { pssControls } from "../../../../lib/controls";
import { containersOf, quoteList } from "../../../../lib/pod-spec";
import { isObj } from "../../../../lib/values";
import { podSecurityControl } from "../define";

// A probe or lifecycle handler with a host makes the kubelet connect to another machine.
function addHosts(handler: unknown, found: string[]): void {
    if (!isObj(handler)) return;
    for (const action of [handler.httpGet, handler.tcpSocket]) {
        const host = isObj(action) ? action.host : undefined;
        if (host !== undefined && host !== null && host !== "") found.push(String(host));
    }
}

/** check_hostProbesAndhostLifecycle.go: one version, MinimumVersion 1.34; older policy versions have no such check. */
export const hostProbes = podSecurityControl({
    name: "pss:baseline:host-probes",
    description: "Probes and lifecycle handlers must not set a host (httpGet.host, tcpSocket.host); Kubernetes 1.34 and later.",
    severity: "medium",
    remediation: "Remove the host field from liveness, readiness and startup probes and from postStart/preStop handlers.",
    controls: pssControls("baseline", "host-probes"),
    judge(pod, version) {
        if (version.policy < 34) return [];
        const bad: string[] = [];
        const found = new Set<string>();
        for (const c of containersOf(pod.spec)) {
            const all: string[] = [];
            addHosts(c.container.livenessProbe, all);
            addHosts(c.container.readinessProbe, all);
            addHosts(c.container.startupProbe, all);
            if (isObj(c.container.lifecycle)) {
                addHosts(c.container.lifecycle.postStart, all);
                addHosts(c.container.lifecycle.preStop, all);
            }
            if (all.length) {
                bad.push(c.name);
                all.forEach((h) => found.add(h));
            }
        }
        return bad.length ? [`containers ${quoteList(bad)} use probe or lifecycle hosts ${quoteList([...found])}`] : [];
    },
});
