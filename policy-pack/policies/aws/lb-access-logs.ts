import { AUDIT_LOGGING } from "../../lib/controls";
import { LOAD_BALANCER_TYPES } from "../../lib/aws-types";
import { resourcePolicy } from "../../lib/define";
import { obj, str } from "../../lib/values";

export const lbAccessLogs = resourcePolicy({
    name: "aws:lb-access-logs",
    description: "Application and network load balancers write access logs to S3 (accessLogs.enabled with a bucket).",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation:
        "Set accessLogs: { bucket: <log bucket>, prefix, enabled: true }; the bucket's policy must let the ELB log delivery service write.",
    controls: AUDIT_LOGGING,
    appliesTo: (type) => LOAD_BALANCER_TYPES.includes(type),
    check(resource, report) {
        // Gateway Load Balancers have no access logs.
        if (str(resource.props.loadBalancerType) === "gateway") return;
        const logs = obj(resource.props.accessLogs);
        if (logs.enabled !== true || logs.bucket === undefined || logs.bucket === "")
            report.violation("accessLogs is not enabled with a bucket: requests through the load balancer are not recorded");
    },
});
