import { TRANSMISSION_SECURITY } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { obj } from "../../lib/values";
import { SEARCH_DOMAIN_TYPES } from "../../lib/aws-types";

export const opensearchNodeToNodeEncryption = resourcePolicy({
    name: "aws:opensearch-node-to-node-encryption",
    description: "OpenSearch and Elasticsearch domains encrypt the traffic between their nodes with TLS.",
    severity: "high",
    enforcementLevel: "advisory",
    remediation: "Set nodeToNodeEncryption: { enabled: true }.",
    controls: TRANSMISSION_SECURITY,
    appliesTo: (type) => SEARCH_DOMAIN_TYPES.includes(type),
    check(resource, report) {
        if (obj(resource.props.nodeToNodeEncryption).enabled !== true) report.violation("nodeToNodeEncryption.enabled is not true");
    },
});
