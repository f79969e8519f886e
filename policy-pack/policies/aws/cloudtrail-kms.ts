import { resourcePolicy } from "../../lib/define";
import { isUnknown, str } from "../../lib/values";

export const cloudtrailKms = resourcePolicy({
    name: "aws:cloudtrail-kms",
    description: "CloudTrail trails encrypt their log files with a customer-managed KMS key (kmsKeyId).",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set kmsKeyId: <customer-managed key ARN> whose key policy lets cloudtrail.amazonaws.com encrypt.",
    controls: {
        "SOC 2": ["CC6.1", "CC7.2"],
        "ISO 27001:2022": ["A.8.15", "A.8.24"],
        HIPAA: ["164.312(a)(2)(iv)", "164.312(b)"],
        GDPR: ["Art. 32(1)(a)"],
    },
    appliesTo: (type) => type === "aws:cloudtrail/trail:Trail",
    check(resource, report) {
        const key = resource.props.kmsKeyId;
        if (!isUnknown(key) && !str(key)) report.violation("kmsKeyId is not set: log files are encrypted with SSE-S3 only");
    },
});
