import { z } from "zod";
import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { num, str } from "../../lib/values";

export const kmsKeyRotation = resourcePolicy({
    name: "aws:kms-key-rotation",
    description: "Symmetric KMS keys rotate automatically, and deletion waits long enough to notice a mistake.",
    severity: "high",
    remediation: "Set enableKeyRotation: true and deletionWindowInDays to at least the configured minimum (default 14).",
    controls: { ...ENCRYPTION_AT_REST, "CIS EKS": ["5.3.1"] },
    config: z.object({ minDeletionWindowDays: z.number().int().min(7).max(30).default(14) }),
    appliesTo: (type) => type === "aws:kms/key:Key",
    check(resource, report, config) {
        const spec = str(resource.props.customerMasterKeySpec) ?? str(resource.props.keySpec) ?? "SYMMETRIC_DEFAULT";
        const usage = str(resource.props.keyUsage) ?? "ENCRYPT_DECRYPT";
        // AWS rotates only symmetric encryption keys (and HMAC keys); asymmetric keys cannot rotate.
        if (spec === "SYMMETRIC_DEFAULT" && usage === "ENCRYPT_DECRYPT" && resource.props.enableKeyRotation !== true) {
            report.violation("enableKeyRotation is not true");
        }
        const window = num(resource.props.deletionWindowInDays) ?? 30; // AWS default when unset
        if (window < config.minDeletionWindowDays)
            report.violation(`deletionWindowInDays ${window} is below ${config.minDeletionWindowDays}`);
    },
});
