import { z } from "zod";
import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { isUnknown, str } from "../../lib/values";

export const efsEncrypted = resourcePolicy({
    name: "aws:efs-encrypted",
    description:
        "EFS file systems are encrypted at rest, with a customer-managed key where the pack config sets requireCustomerManagedKey.",
    severity: "high",
    enforcementLevel: "advisory",
    remediation: "Set encrypted: true and kmsKeyId: <customer-managed key ARN> (a file system is encrypted only when it is created).",
    controls: ENCRYPTION_AT_REST,
    config: z.object({
        requireCustomerManagedKey: z.boolean().default(false).describe("Require kmsKeyId (not the AWS managed key aws/elasticfilesystem)."),
    }),
    appliesTo: (type) => type === "aws:efs/fileSystem:FileSystem",
    check(resource, report, config) {
        const p = resource.props;
        if (p.encrypted !== true) {
            report.violation("encrypted is not true");
            return;
        }
        if (config.requireCustomerManagedKey && !isUnknown(p.kmsKeyId) && !str(p.kmsKeyId))
            report.violation("kmsKeyId is not set: the file system uses the AWS managed key aws/elasticfilesystem");
    },
});
