import { ACCESS_CONTROL } from "../../../lib/controls";
import { resourcePolicy } from "../../../lib/define";
import { isKind } from "../../../lib/kubernetes";
import { obj } from "../../../lib/values";

export const noNodePort = resourcePolicy({
    name: "k8s:service-exposure:no-node-port",
    description: "Services are not of type NodePort (a port open on every node bypasses the mesh ingress).",
    severity: "high",
    remediation: "Use a ClusterIP Service behind the Istio ingress gateway.",
    controls: { ...ACCESS_CONTROL, "CIS EKS": ["5.4.5"] },
    appliesTo: (type) => isKind(type, "Service", ["core"]),
    check(resource, report) {
        if (obj(resource.props.spec).type === "NodePort") report.violation("Service is of type NodePort");
    },
});
