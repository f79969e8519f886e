import { AUDIT_LOGGING } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";
import { isKind, objectName } from "../../lib/kubernetes";
import type { Resource } from "../../lib/types";
import { str } from "../../lib/values";

const HELM = /^kubernetes:helm\.sh\/v\d:(Release|Chart)$/;

function chartOf(r: Resource): string | undefined {
    return HELM.test(r.type) ? (str(r.props.chart) ?? "").split("/").pop() : undefined;
}

/** Security monitoring: PrometheusRules, or the kube-prometheus-stack chart. */
function hasSecurityMonitoring(resources: Resource[]): boolean {
    return resources.some((r) => isKind(r.type, "PrometheusRule", ["monitoring.coreos.com"]) || chartOf(r) === "kube-prometheus-stack");
}

function runsFalco(resources: Resource[]): boolean {
    return resources.some(
        (r) => chartOf(r) === "falco" || (isKind(r.type, "DaemonSet", ["apps"]) && /falco/.test(objectName(r.props, r.name))),
    );
}

/** Metrics say what the mesh saw; a runtime sensor sees what the processes did (a shell, a read of /etc/shadow). */
export const runtimeDetection = stackPolicy({
    name: "monitoring:runtime-detection",
    description:
        "A stack that deploys security monitoring (PrometheusRules or kube-prometheus-stack) also runs Falco for runtime threat detection.",
    severity: "high",
    remediation:
        "Install the falco chart (falcosecurity/falco, modern eBPF driver) as a Helm release in its own namespace, or a Falco DaemonSet.",
    controls: { ...AUDIT_LOGGING, "SOC 2": ["CC7.2", "CC7.3"], "ISO 27001:2022": ["A.8.16", "A.8.7"] },
    check(resources, report) {
        if (hasSecurityMonitoring(resources) && !runsFalco(resources)) {
            report.violation("the stack deploys security monitoring but no Falco release or DaemonSet: runtime threats go unseen");
        }
    },
});
