import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { obj } from "../../lib/values";
import { SEARCH_DOMAIN_TYPES } from "../../lib/aws-types";

export const opensearchEncryptedAtRest = resourcePolicy({
    name: "aws:opensearch-encrypted-at-rest",
    description: "OpenSearch and Elasticsearch domains encrypt their data at rest.",
    severity: "high",
    enforcementLevel: "advisory",
    remediation: "Set encryptAtRest: { enabled: true, kmsKeyId: <customer-managed key ARN> }.",
    controls: ENCRYPTION_AT_REST,
    appliesTo: (type) => SEARCH_DOMAIN_TYPES.includes(type),
    check(resource, report) {
        if (obj(resource.props.encryptAtRest).enabled !== true) report.violation("encryptAtRest.enabled is not true");
    },
});
