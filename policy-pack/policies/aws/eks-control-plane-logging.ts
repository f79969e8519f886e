import { AUDIT_LOGGING } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { strings } from "../../lib/values";

const LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export const eksControlPlaneLogging = resourcePolicy({
    name: "aws:eks-control-plane-logging",
    description: "EKS sends every control-plane log type (api, audit, authenticator, controllerManager, scheduler) to CloudWatch.",
    severity: "high",
    remediation: `Set enabledClusterLogTypes: ${JSON.stringify(LOG_TYPES)}.`,
    controls: { ...AUDIT_LOGGING, "CIS EKS": ["2.1.1"] },
    appliesTo: (type) => type === "aws:eks/cluster:Cluster",
    check(resource, report) {
        const enabled = strings(resource.props.enabledClusterLogTypes);
        const missing = LOG_TYPES.filter((t) => !enabled.includes(t));
        if (missing.length) report.violation(`control-plane log types not enabled: ${missing.join(", ")}`);
    },
});
