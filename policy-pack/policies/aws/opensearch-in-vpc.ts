import { NETWORK_EXPOSURE } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { arr, isUnknown, obj } from "../../lib/values";
import { SEARCH_DOMAIN_TYPES } from "../../lib/aws-types";

export const opensearchInVpc = resourcePolicy({
    name: "aws:opensearch-in-vpc",
    description: "OpenSearch and Elasticsearch domains run inside a VPC (vpcOptions.subnetIds), with no public endpoint.",
    severity: "high",
    enforcementLevel: "advisory",
    remediation:
        "Set vpcOptions: { subnetIds: [<private subnets>], securityGroupIds: [...] } (a domain moves into a VPC only when it is created).",
    controls: NETWORK_EXPOSURE,
    appliesTo: (type) => SEARCH_DOMAIN_TYPES.includes(type),
    check(resource, report) {
        const subnets = obj(resource.props.vpcOptions).subnetIds;
        if (!isUnknown(subnets) && arr(subnets).length === 0)
            report.violation("vpcOptions.subnetIds is empty: the domain has a public endpoint");
    },
});
