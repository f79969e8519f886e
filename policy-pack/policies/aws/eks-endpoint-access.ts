import { ACCESS_CONTROL } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { obj, strings } from "../../lib/values";

export const eksEndpointAccess = resourcePolicy({
    name: "aws:eks-endpoint-access",
    description: "The EKS API endpoint is private, or public only to an explicit CIDR allowlist (never 0.0.0.0/0).",
    severity: "critical",
    remediation: "Set vpcConfig.endpointPrivateAccess: true and endpointPublicAccess: false, or list publicAccessCidrs explicitly.",
    controls: { ...ACCESS_CONTROL, "CIS EKS": ["5.4.1", "5.4.2"] },
    appliesTo: (type) => type === "aws:eks/cluster:Cluster",
    check(resource, report) {
        const vpc = obj(resource.props.vpcConfig);
        // EKS defaults to a public endpoint open to the world when these are unset.
        const isPublic = vpc.endpointPublicAccess !== false;
        if (vpc.endpointPrivateAccess !== true) report.violation("vpcConfig.endpointPrivateAccess is not true");
        if (!isPublic) return;
        const cidrs = strings(vpc.publicAccessCidrs);
        if (cidrs.length === 0 || cidrs.includes("0.0.0.0/0"))
            report.violation("the public endpoint is open to 0.0.0.0/0; disable it or set publicAccessCidrs");
    },
});
