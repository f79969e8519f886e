import { pssControls } from "../../../../lib/controls";
import { containersOf, quoteList } from "../../../../lib/pod-spec";
import { obj } from "../../../../lib/values";
import { podSecurityControl } from "../define";

// A probe or lifecycle handler with a host makes the kubelet connect to another machine.
function hosts(handler: unknown): string[] {
    const h = obj(handler);
    return [obj(h.httpGet).host, obj(h.tcpSocket).host].filter((v) => v !== undefined && v !== null && v !== "").map(String);
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
            const lifecycle = obj(c.container.lifecycle);
            const all = [
                c.container.livenessProbe,
                c.container.readinessProbe,
                c.container.startupProbe,
                lifecycle.postStart,
                lifecycle.preStop,
            ].flatMap(hosts);
            if (all.length) {
                bad.push(c.name);
                all.forEach((h) => found.add(h));
            }
        }
        return bad.length ? [`containers ${quoteList(bad)} use probe or lifecycle hosts ${quoteList([...found])}`] : [];
    },
});
