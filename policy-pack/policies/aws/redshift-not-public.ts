import { NETWORK_EXPOSURE } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";

export const redshiftNotPublic = resourcePolicy({
    name: "aws:redshift-not-public",
    description: "Redshift clusters are not publicly accessible.",
    severity: "critical",
    enforcementLevel: "advisory",
    remediation: "Set publiclyAccessible: false (the default) and reach the cluster from inside the VPC.",
    controls: NETWORK_EXPOSURE,
    appliesTo: (type) => type === "aws:redshift/cluster:Cluster",
    check(resource, report) {
        if (resource.props.publiclyAccessible === true) report.violation("publiclyAccessible is true: the cluster has a public address");
    },
});
