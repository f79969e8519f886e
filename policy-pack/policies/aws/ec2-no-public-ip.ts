import { NETWORK_EXPOSURE } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { arr, obj } from "../../lib/values";

const INSTANCE = "aws:ec2/instance:Instance";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

export const ec2NoPublicIp = resourcePolicy({
    name: "aws:ec2-no-public-ip",
    description: "EC2 instances and launch templates do not ask for a public IPv4 address on their network interfaces.",
    severity: "high",
    enforcementLevel: "advisory",
    remediation:
        "Remove associatePublicIpAddress (instances) or networkInterfaces[].associatePublicIpAddress (launch templates), place the instances in private subnets and reach them through a load balancer, SSM or a bastion.",
    controls: NETWORK_EXPOSURE,
    appliesTo: (type) => type === INSTANCE || type === LAUNCH_TEMPLATE,
    check(resource, report) {
        if (resource.type === INSTANCE) {
            if (resource.props.associatePublicIpAddress === true) report.violation("associatePublicIpAddress is true");
            return;
        }
        // Launch templates spell these booleans as strings ("true") in @pulumi/aws 7.
        arr(resource.props.networkInterfaces).forEach((nic, i) => {
            const value = obj(nic).associatePublicIpAddress;
            if (value === true || value === "true") report.violation(`networkInterfaces[${i}].associatePublicIpAddress is true`);
        });
    },
});
