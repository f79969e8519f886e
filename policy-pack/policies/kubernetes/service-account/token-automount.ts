import { ACCESS_CONTROL } from "../../../lib/controls";
import { resourcePolicy } from "../../../lib/define";
import { isKind } from "../../../lib/kubernetes";
import { isPodBearing, podTemplateOf } from "../../../lib/pod-spec";

/**
 * A pod gets an API token unless the pod or its ServiceAccount opts out. ServiceAccounts should opt
 * out; a pod that needs the API (or Vault's Kubernetes auth) opts back in explicitly.
 */
export const tokenAutomount = resourcePolicy({
    name: "k8s:service-account:token-automount",
    description: "ServiceAccounts set automountServiceAccountToken: false; only pods that need the API token opt in.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set automountServiceAccountToken: false on the ServiceAccount; set it to true only on the pods that call the API.",
    controls: { ...ACCESS_CONTROL, "CIS EKS": ["4.1.6"] },
    appliesTo: (type) => isKind(type, "ServiceAccount", ["core"]) || isPodBearing(type),
    check(resource, report) {
        if (isKind(resource.type, "ServiceAccount", ["core"])) {
            if (resource.props.automountServiceAccountToken !== false)
                report.violation("ServiceAccount does not set automountServiceAccountToken: false");
            return;
        }
        const pod = podTemplateOf(resource.type, resource.props);
        const serviceAccount = pod?.spec.serviceAccountName ?? "default";
        if (pod && pod.spec.automountServiceAccountToken !== false && (serviceAccount === "default" || serviceAccount === undefined)) {
            report.violation(
                `${pod.path} mounts the default ServiceAccount's token; set automountServiceAccountToken: false or use a dedicated ServiceAccount`,
            );
        }
    },
});
