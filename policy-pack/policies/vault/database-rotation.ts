import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { num, str } from "../../lib/values";

const STATIC_ROLE = "vault:database/secretBackendStaticRole:SecretBackendStaticRole";

export const databaseRotation = resourcePolicy({
    name: "vault:database-rotation",
    description: "Vault database static roles rotate their password on a period or schedule.",
    severity: "high",
    remediation: "Set rotationPeriod (seconds) or rotationSchedule (cron) on every static role.",
    controls: { ...ENCRYPTION_AT_REST, "SOC 2": ["CC6.1", "CC6.2"], HIPAA: ["164.312(d)"] },
    appliesTo: (type) => type === STATIC_ROLE,
    check(resource, report) {
        const p = resource.props;
        if (!((num(p.rotationPeriod) ?? 0) > 0 || !!str(p.rotationSchedule)))
            report.violation("static role has no rotationPeriod or rotationSchedule");
    },
});
