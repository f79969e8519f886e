import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";

/** Deleting a Transit key destroys every ciphertext made with it; Vault refuses unless the key allows it. */
export const transitKeyDeletion = resourcePolicy({
    name: "vault:transit-key-deletion",
    description: "Transit keys cannot be deleted (deletionAllowed is not true), so data encrypted with them is never lost to one API call.",
    severity: "high",
    remediation: "Set deletionAllowed: false; to retire a key, rotate it and set min_decryption_version instead.",
    controls: { ...ENCRYPTION_AT_REST, "SOC 2": ["CC6.1", "A1.2"], "ISO 27001:2022": ["A.8.24", "A.8.13"] },
    appliesTo: (type) => type === "vault:transit/secretBackendKey:SecretBackendKey",
    check(resource, report) {
        if (resource.props.deletionAllowed === true)
            report.violation("key can be deleted (deletionAllowed: true), which makes its ciphertexts unrecoverable");
    },
});
