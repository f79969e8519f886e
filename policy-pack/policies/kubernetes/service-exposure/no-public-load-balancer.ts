import { ACCESS_CONTROL } from "../../../lib/controls";
import { resourcePolicy } from "../../../lib/define";
import { isKind } from "../../../lib/kubernetes";
import { arr, obj, str } from "../../../lib/values";

// Annotations that make a cloud load balancer internal.
const INTERNAL: [string, (v: string) => boolean][] = [
    ["service.beta.kubernetes.io/aws-load-balancer-internal", (v) => v === "true" || v === "0.0.0.0/0"],
    ["service.beta.kubernetes.io/aws-load-balancer-scheme", (v) => v === "internal"],
    ["networking.gke.io/load-balancer-type", (v) => v === "Internal"],
    ["cloud.google.com/load-balancer-type", (v) => v.toLowerCase() === "internal"],
    ["service.beta.kubernetes.io/azure-load-balancer-internal", (v) => v === "true"],
];

export const noPublicLoadBalancer = resourcePolicy({
    name: "k8s:service-exposure:no-public-load-balancer",
    description: "LoadBalancer Services are internal, or restrict loadBalancerSourceRanges; a public entry point is an explicit exemption.",
    severity: "high",
    remediation:
        "Annotate the Service as internal, or set loadBalancerSourceRanges; for the one public ingress gateway, add an exemption with its reason.",
    controls: { ...ACCESS_CONTROL, "CIS EKS": ["5.4.5"] },
    appliesTo: (type) => isKind(type, "Service", ["core"]),
    check(resource, report) {
        const spec = obj(resource.props.spec);
        if (spec.type !== "LoadBalancer") return;
        const annotations = obj(obj(resource.props.metadata).annotations);
        if (INTERNAL.some(([key, isInternal]) => isInternal(str(annotations[key]) ?? ""))) return;
        const ranges = arr(spec.loadBalancerSourceRanges).map(String);
        if (ranges.length > 0 && !ranges.some((r) => r === "0.0.0.0/0" || r === "::/0")) return;
        report.violation("LoadBalancer Service is reachable from the internet (not internal, no restricting loadBalancerSourceRanges)");
    },
});
