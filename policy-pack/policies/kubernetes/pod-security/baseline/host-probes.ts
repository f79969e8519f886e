import { pssControls } from "../../../../lib/controls";
import { podPolicy } from "../../../../lib/define";
import { containersOf, quoteList } from "../../../../lib/pod-spec";
import { obj } from "../../../../lib/values";

// A probe or lifecycle handler with a host reaches another machine as the kubelet (Kubernetes 1.34+).
function hosts(handler: unknown): string[] {
    const h = obj(handler);
    return [obj(h.httpGet).host, obj(h.tcpSocket).host].filter((v) => v !== undefined && v !== null && v !== "").map(String);
}

export const hostProbes = podPolicy({
    name: "pss:baseline:host-probes",
    description: "Probes and lifecycle handlers must not set a host (httpGet.host, tcpSocket.host).",
    severity: "medium",
    remediation: "Remove the host field from liveness, readiness and startup probes and from postStart/preStop handlers.",
    controls: pssControls("baseline", "host-probes"),
    check(pod) {
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
