import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";
import type { Resource } from "../../lib/types";
import { arr, isObj, num, str, type Obj } from "../../lib/values";

const CONNECTION = "vault:database/secretBackendConnection:SecretBackendConnection";
const MOUNT = "vault:database/secretsMount:SecretsMount";
const ENDPOINT = "vault:generic/endpoint:Endpoint";

function rotatesAutomatically(c: Obj): boolean {
    return c.disableAutomatedRotation !== true && ((num(c.rotationPeriod) ?? 0) > 0 || !!str(c.rotationSchedule));
}

/** A `<mount>/rotate-root/<name>` call made after the connection exists: the root password then lives only in Vault. */
function rotatedOnce(resources: Resource[], owner: Resource, connectionName: string | undefined): boolean {
    return resources.some((r) => {
        if (r.type !== ENDPOINT) return false;
        const path = str(r.props.path) ?? "";
        const afterOwner = r.dependencies.includes(owner.urn);
        return (
            afterOwner &&
            /\/rotate-root\/[^/]+$/.test(path) &&
            (connectionName === undefined || path.endsWith(`/rotate-root/${connectionName}`))
        );
    });
}

/**
 * The root credential Vault uses to reach a database must not stay the one a human typed: Vault
 * rotates it on a schedule, or rotates it once (rotate-root) right after the connection is made.
 */
export const databaseRootRotation = stackPolicy({
    name: "vault:database-root-rotation",
    description:
        "Vault database connections rotate their root credential: on a period or schedule, or once through rotate-root after the connection is created.",
    severity: "high",
    remediation:
        "Set rotationPeriod/rotationSchedule on the connection, or write <mount>/rotate-root/<connection> (a vault.generic.Endpoint that depends on it).",
    controls: { ...ENCRYPTION_AT_REST, "SOC 2": ["CC6.1", "CC6.2"], HIPAA: ["164.312(d)"] },
    check(resources, report) {
        for (const r of resources) {
            if (r.type === CONNECTION) {
                const name = str(r.props.name) ?? r.name;
                if (!rotatesAutomatically(r.props) && !rotatedOnce(resources, r, name))
                    report.violation(`connection "${name}" never rotates its root credential`, r.urn);
            } else if (r.type === MOUNT) {
                for (const [key, value] of Object.entries(r.props)) {
                    arr(value)
                        .filter(isObj)
                        .forEach((c, i) => {
                            const name = str(c.name);
                            if (name === undefined && !("rotationPeriod" in c || "rotationSchedule" in c || "rootRotationStatements" in c))
                                return;
                            if (!rotatesAutomatically(c) && !rotatedOnce(resources, r, name))
                                report.violation(`${key}[${i}] ("${name ?? "?"}") never rotates its root credential`, r.urn);
                        });
                }
            }
        }
    },
});
