import { z } from "zod";
import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";
import { bucketViews, encryptionDefaults } from "../../lib/s3-buckets";
import { isUnknown, str } from "../../lib/values";

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

/** The AWS managed key of S3, by alias or alias ARN: its key policy is AWS's, not the account's. */
function isAwsManagedKey(key: string): boolean {
    return key === "alias/aws/s3" || key.endsWith(":alias/aws/s3");
}

export const s3BucketKmsEncryption = stackPolicy({
    name: "aws:s3-bucket-kms-encryption",
    description:
        "S3 buckets encrypt by default with KMS (aws:kms or aws:kms:dsse), with a customer-managed key where the pack config sets requireCustomerManagedKey.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation:
        'Give the bucket default encryption { sseAlgorithm: "aws:kms", kmsMasterKeyId: <customer-managed key ARN> } (inline serverSideEncryptionConfiguration or a BucketServerSideEncryptionConfiguration).',
    controls: { ...ENCRYPTION_AT_REST, "CIS EKS": ["5.3.1"] },
    config: z.object({
        requireCustomerManagedKey: z
            .boolean()
            .default(false)
            .describe("Require kmsMasterKeyId to name a customer-managed key (not the AWS managed alias/aws/s3)."),
    }),
    check(resources, report, config) {
        for (const view of bucketViews(resources)) {
            const name = `bucket "${view.bucket.name}"`;
            const defaults = encryptionDefaults(view);
            if (defaults.length === 0) {
                report.violation(`${name} sets no default encryption, so S3 uses SSE-S3 (AES256), not KMS`, view.bucket.urn);
                continue;
            }
            for (const { sseAlgorithm, kmsMasterKeyId } of defaults) {
                const algorithm = str(sseAlgorithm);
                if (algorithm === undefined || !KMS_ALGORITHMS.includes(algorithm)) {
                    report.violation(
                        `${name} encrypts with ${algorithm ?? "an unset algorithm"}, not ${KMS_ALGORITHMS.join(" or ")}`,
                        view.bucket.urn,
                    );
                    continue;
                }
                if (!config.requireCustomerManagedKey) continue;
                // A key ARN not known until apply is another resource's output: a key of the account, not the literal AWS alias.
                if (isUnknown(kmsMasterKeyId)) continue;
                const key = str(kmsMasterKeyId);
                if (key === undefined || isAwsManagedKey(key))
                    report.violation(`${name} encrypts with the AWS managed key aws/s3, not a customer-managed key`, view.bucket.urn);
            }
        }
    },
});
