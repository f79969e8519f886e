import { z } from "zod";
import { AUDIT_LOGGING } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { num, str } from "../../lib/values";

export const cloudwatchLogRetention = resourcePolicy({
    name: "aws:cloudwatch-log-retention",
    description: "CloudWatch log groups keep logs for a set period (at least the configured minimum) and encrypt them with KMS.",
    severity: "medium",
    remediation: "Set retentionInDays (at least minRetentionDays) and kmsKeyId.",
    controls: { ...AUDIT_LOGGING, "CIS EKS": ["2.1.1"] },
    config: z.object({ minRetentionDays: z.number().int().positive().default(90), requireKms: z.boolean().default(true) }),
    appliesTo: (type) => type === "aws:cloudwatch/logGroup:LogGroup",
    check(resource, report, config) {
        const days = num(resource.props.retentionInDays);
        if (days === undefined || days === 0) report.violation("retentionInDays is not set (logs are kept with no defined retention)");
        else if (days < config.minRetentionDays) report.violation(`retentionInDays ${days} is below ${config.minRetentionDays}`);
        if (config.requireKms && !str(resource.props.kmsKeyId)) report.violation("kmsKeyId is not set");
    },
});
