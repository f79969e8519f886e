import { ACCESS_CONTROL } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { arr, obj, str, strings } from "../../lib/values";

const WORLD = ["0.0.0.0/0", "::/0"];
// Inline rules: security groups and the VPC's default security group, which Pulumi can adopt.
const GROUPS = ["aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"];

export const securityGroupOpenIngress = resourcePolicy({
    name: "aws:security-group-open-ingress",
    description: "Security groups allow no ingress from 0.0.0.0/0 or ::/0.",
    severity: "high",
    remediation:
        "Allow ingress from the load balancer's or peer's security group, or from known CIDRs; exempt a deliberate public entry point with its reason.",
    controls: { ...ACCESS_CONTROL, "CIS EKS": ["5.4.3"] },
    appliesTo: (type) =>
        [...GROUPS, "aws:ec2/securityGroupRule:SecurityGroupRule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"].includes(
            type,
        ),
    check(resource, report) {
        const p = resource.props;
        if (GROUPS.includes(resource.type)) {
            arr(p.ingress).forEach((rule, i) => {
                const open = [...strings(obj(rule).cidrBlocks), ...strings(obj(rule).ipv6CidrBlocks)].filter((c) => WORLD.includes(c));
                if (open.length)
                    report.violation(
                        `ingress[${i}] allows ${open.join(", ")} on ports ${String(obj(rule).fromPort)}-${String(obj(rule).toPort)}`,
                    );
            });
        } else if (resource.type === "aws:ec2/securityGroupRule:SecurityGroupRule") {
            const open = [...strings(p.cidrBlocks), ...strings(p.ipv6CidrBlocks)].filter((c) => WORLD.includes(c));
            if (p.type === "ingress" && open.length) report.violation(`ingress rule allows ${open.join(", ")}`);
        } else {
            const open = [str(p.cidrIpv4), str(p.cidrIpv6)].filter((c): c is string => c !== undefined && WORLD.includes(c));
            if (open.length) report.violation(`ingress rule allows ${open.join(", ")}`);
        }
    },
});
