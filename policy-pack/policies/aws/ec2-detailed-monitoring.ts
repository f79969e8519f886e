import { resourcePolicy } from "../../lib/define";
import { obj } from "../../lib/values";

const INSTANCE = "aws:ec2/instance:Instance";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

export const ec2DetailedMonitoring = resourcePolicy({
    name: "aws:ec2-detailed-monitoring",
    description: "EC2 instances and launch templates turn on detailed (one-minute) CloudWatch monitoring.",
    severity: "low",
    enforcementLevel: "advisory",
    remediation: "Set monitoring: true (instances) or monitoring: { enabled: true } (launch templates).",
    controls: { "SOC 2": ["CC7.2"], "ISO 27001:2022": ["A.8.16"] },
    appliesTo: (type) => type === INSTANCE || type === LAUNCH_TEMPLATE,
    check(resource, report) {
        const enabled = resource.type === INSTANCE ? resource.props.monitoring === true : obj(resource.props.monitoring).enabled === true;
        if (!enabled) report.violation("detailed monitoring is off (metrics every five minutes only)");
    },
});
