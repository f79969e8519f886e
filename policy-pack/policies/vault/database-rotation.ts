import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { arr, isObj, num, str, type Obj } from "../../lib/values";

const CONNECTION = "vault:database/secretBackendConnection:SecretBackendConnection";
const STATIC_ROLE = "vault:database/secretBackendStaticRole:SecretBackendStaticRole";
const MOUNT = "vault:database/secretsMount:SecretsMount";

function rotates(p: Obj): boolean {
    return (num(p.rotationPeriod) ?? 0) > 0 || !!str(p.rotationSchedule);
}

export const databaseRotation = resourcePolicy({
    name: "vault:database-rotation",
    description: "Database credentials rotate: static roles and root credentials have a rotation period or schedule.",
    severity: "high",
    remediation: "Set rotationPeriod (or rotationSchedule) on static roles and on each connection's root credential; do not disable automated rotation.",
    controls: { ...ENCRYPTION_AT_REST, "SOC 2": ["CC6.1", "CC6.2"], "HIPAA": ["164.312(d)"] },
    appliesTo: (type) => type === CONNECTION || type === STATIC_ROLE || type === MOUNT,
    check(resource, report) {
        const p = resource.props;
        if (resource.type === STATIC_ROLE) {
            if (!rotates(p)) report.violation("static role has no rotationPeriod or rotationSchedule");
            return;
        }
        const connections: [string, Obj][] = resource.type === CONNECTION
            ? [["connection", p]]
            : Object.entries(p).flatMap(([key, value]) => arr(value).filter(isObj).map((c, i): [string, Obj] => [`${key}[${i}]`, c]));
        for (const [where, c] of connections) {
            if (c.disableAutomatedRotation === true) report.violation(`${where} disables automated root credential rotation`);
            else if (!rotates(c)) report.violation(`${where} root credential has no rotationPeriod or rotationSchedule`);
        }
    },
});
