import { z } from "zod";
import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { num } from "../../lib/values";

export const transitKeyRotation = resourcePolicy({
    name: "vault:transit-key-rotation",
    description: "Transit keys rotate automatically and cannot be exported or backed up in plaintext.",
    severity: "high",
    remediation: "Set autoRotatePeriod (seconds), exportable: false and allowPlaintextBackup: false.",
    controls: { ...ENCRYPTION_AT_REST, "ISO 27001:2022": ["A.8.24"] },
    config: z.object({
        maxAutoRotatePeriodSeconds: z
            .number()
            .int()
            .positive()
            .default(90 * 24 * 3600),
    }),
    appliesTo: (type) => type === "vault:transit/secretBackendKey:SecretBackendKey",
    check(resource, report, config) {
        const period = num(resource.props.autoRotatePeriod);
        if (period === undefined || period <= 0 || period > config.maxAutoRotatePeriodSeconds) {
            report.violation(`autoRotatePeriod must be set and at most ${config.maxAutoRotatePeriodSeconds}s`);
        }
        if (resource.props.exportable === true) report.violation("key is exportable");
        if (resource.props.allowPlaintextBackup === true) report.violation("key allows plaintext backup");
    },
});
