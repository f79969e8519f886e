import { AUDIT_LOGGING } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";

/** Vault is configured by a stack when it manages Vault objects through the vault provider. */
function configuresVault(type: string): boolean {
    return type.startsWith("vault:") && !type.startsWith("pulumi:providers:");
}

export const auditDevice = stackPolicy({
    name: "vault:audit-device",
    description: "A stack that configures Vault enables at least one audit device.",
    severity: "high",
    remediation: "Add a vault.Audit resource (file or socket); two devices keep Vault serving if one fails.",
    controls: AUDIT_LOGGING,
    check(resources, report) {
        if (!resources.some((r) => configuresVault(r.type))) return;
        if (!resources.some((r) => r.type === "vault:index/audit:Audit"))
            report.violation("the stack configures Vault but enables no audit device");
    },
});
