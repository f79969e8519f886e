import { resourcePolicy } from "../../lib/define";

export const cloudtrailLogFileValidation = resourcePolicy({
    name: "aws:cloudtrail-log-file-validation",
    description: "CloudTrail trails sign digests of their log files (enableLogFileValidation), so a changed or deleted log is detected.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set enableLogFileValidation: true.",
    // Audit records protected from tampering: logging, and the integrity of what was logged.
    controls: {
        "SOC 2": ["CC7.2"],
        "ISO 27001:2022": ["A.8.15"],
        HIPAA: ["164.312(b)", "164.312(c)(1)"],
        GDPR: ["Art. 32(1)(b)", "Art. 32(1)(d)"],
    },
    appliesTo: (type) => type === "aws:cloudtrail/trail:Trail",
    check(resource, report) {
        if (resource.props.enableLogFileValidation !== true) report.violation("enableLogFileValidation is not true");
    },
});
