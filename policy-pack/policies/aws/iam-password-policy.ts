import { z } from "zod";
import { resourcePolicy } from "../../lib/define";
import { num } from "../../lib/values";

const REUSE_PREVENTION = 24;

export const iamPasswordPolicy = resourcePolicy({
    name: "aws:iam-password-policy",
    description:
        "The account password policy requires passwords of at least 14 characters and prevents reuse of the last 24 (CIS AWS 1.8, 1.9).",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set minimumPasswordLength: 14 (or more) and passwordReusePrevention: 24 on the AccountPasswordPolicy.",
    controls: {
        "SOC 2": ["CC6.1"],
        "ISO 27001:2022": ["A.5.17", "A.8.5"],
        HIPAA: ["164.312(d)"],
        "CIS AWS": ["1.8", "1.9"],
    },
    // Stricter settings only: 14 is the benchmark's floor, and 24 is both its requirement and IAM's maximum.
    config: z.object({ minimumPasswordLength: z.number().int().min(14).max(128).default(14) }),
    appliesTo: (type) => type === "aws:iam/accountPasswordPolicy:AccountPasswordPolicy",
    check(resource, report, config) {
        // IAM's defaults when unset: 6 characters, reuse allowed.
        const length = num(resource.props.minimumPasswordLength) ?? 6;
        if (length < config.minimumPasswordLength)
            report.violation(`minimumPasswordLength ${length} is below ${config.minimumPasswordLength}`);
        const reuse = num(resource.props.passwordReusePrevention) ?? 0;
        if (reuse < REUSE_PREVENTION)
            report.violation(
                reuse === 0
                    ? `passwordReusePrevention is not set (passwords may be reused); set ${REUSE_PREVENTION}`
                    : `passwordReusePrevention ${reuse} is below ${REUSE_PREVENTION}`,
            );
    },
});
