import { ACCESS_CONTROL } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";

const SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const s3PublicAccessBlock = resourcePolicy({
    name: "aws:s3-public-access-block",
    description: "S3 public access blocks turn on all four settings.",
    severity: "high",
    remediation: `Set ${SETTINGS.join(", ")} to true.`,
    controls: ACCESS_CONTROL,
    appliesTo: (type) => type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    check(resource, report) {
        const off = SETTINGS.filter((s) => resource.props[s] !== true);
        if (off.length) report.violation(`not enabled: ${off.join(", ")}`);
    },
});
