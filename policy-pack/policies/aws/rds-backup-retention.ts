import { z } from "zod";
import { BACKUP_RECOVERY } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { num } from "../../lib/values";

const INSTANCE = "aws:rds/instance:Instance";
const CLUSTER = "aws:rds/cluster:Cluster";

export const rdsBackupRetention = resourcePolicy({
    name: "aws:rds-backup-retention",
    description: "RDS instances and clusters keep automated backups for at least the configured number of days (default 7).",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set backupRetentionPeriod to at least minRetentionDays (at most 35).",
    controls: BACKUP_RECOVERY,
    config: z.object({ minRetentionDays: z.number().int().min(1).max(35).default(7) }),
    appliesTo: (type) => type === INSTANCE || type === CLUSTER,
    check(resource, report, config) {
        const p = resource.props;
        // A read replica's recovery point is its source's backups, which are judged on the source.
        if (resource.type === INSTANCE && p.replicateSourceDb !== undefined) return;
        // The provider's defaults when unset: 0 days (no backups) for an instance, 1 day for a cluster.
        const days = num(p.backupRetentionPeriod) ?? (resource.type === INSTANCE ? 0 : 1);
        if (days < config.minRetentionDays)
            report.violation(
                days === 0
                    ? "backupRetentionPeriod is 0: automated backups are off"
                    : `backupRetentionPeriod ${days} is below ${config.minRetentionDays} days`,
            );
    },
});
