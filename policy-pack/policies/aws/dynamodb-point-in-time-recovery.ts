import { BACKUP_RECOVERY } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { obj } from "../../lib/values";

export const dynamodbPointInTimeRecovery = resourcePolicy({
    name: "aws:dynamodb-point-in-time-recovery",
    description: "DynamoDB tables keep continuous backups (point-in-time recovery).",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set pointInTimeRecovery: { enabled: true }.",
    controls: BACKUP_RECOVERY,
    appliesTo: (type) => type === "aws:dynamodb/table:Table",
    check(resource, report) {
        if (obj(resource.props.pointInTimeRecovery).enabled !== true)
            report.violation("pointInTimeRecovery.enabled is not true: a bad write or delete cannot be rolled back");
    },
});
