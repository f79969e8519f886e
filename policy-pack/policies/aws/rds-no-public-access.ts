import { NETWORK_EXPOSURE } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";

const TYPES = ["aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance"];

export const rdsNoPublicAccess = resourcePolicy({
    name: "aws:rds-no-public-access",
    description: "RDS instances, Aurora cluster instances included, are not publicly accessible.",
    severity: "critical",
    enforcementLevel: "advisory",
    remediation: "Set publiclyAccessible: false (the default) and reach the database from inside the VPC.",
    controls: NETWORK_EXPOSURE,
    appliesTo: (type) => TYPES.includes(type),
    check(resource, report) {
        if (resource.props.publiclyAccessible === true)
            report.violation("publiclyAccessible is true: the database has a public DNS name and address");
    },
});
