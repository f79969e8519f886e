import { AUDIT_LOGGING } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";
import { accessLoggingConfigured, bucketViews } from "../../lib/s3-buckets";

export const s3BucketAccessLogging = stackPolicy({
    name: "aws:s3-bucket-access-logging",
    description: "S3 buckets record server access logs to a log bucket (inline logging or a BucketLogging resource).",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation:
        "Add a BucketLogging { bucket, targetBucket: <log bucket>, targetPrefix } (or the Bucket's inline logging block); exempt the log bucket itself by name with its reason.",
    controls: AUDIT_LOGGING,
    check(resources, report) {
        for (const view of bucketViews(resources)) {
            if (!accessLoggingConfigured(view))
                report.violation(`bucket "${view.bucket.name}" records no server access logs`, view.bucket.urn);
        }
    },
});
