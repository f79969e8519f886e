import { ACCESS_CONTROL, ENCRYPTION_AT_REST } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";
import type { Resource } from "../../lib/types";
import { arr, at, isObj, obj, str } from "../../lib/values";

const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const SSE = [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const VERSIONING = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"];
const POLICY = "aws:s3/bucketPolicy:BucketPolicy";

/** A resource configures a bucket when it depends on it, is its child, or names it. */
function configures(child: Resource, bucket: Resource): boolean {
    if (child.dependencies.includes(bucket.urn) || child.parent === bucket.urn) return true;
    const target = str(child.props.bucket);
    return target !== undefined && (target === str(bucket.props.bucket) || target === bucket.name);
}

function deniesInsecureTransport(policy: unknown): boolean {
    let doc: unknown = policy;
    if (typeof policy === "string") {
        try {
            doc = JSON.parse(policy);
        } catch {
            return false;
        }
    }
    const statements = Array.isArray(obj(doc).Statement) ? arr(obj(doc).Statement) : [obj(doc).Statement];
    return statements.some((s) => isObj(s) && s.Effect === "Deny" && String(at(s, "Condition.Bool.aws:SecureTransport")) === "false");
}

export const s3BucketBaseline = stackPolicy({
    name: "aws:s3-bucket-baseline",
    description: "Every S3 bucket has a public access block, default encryption, versioning and a policy that denies non-TLS requests.",
    severity: "high",
    remediation:
        "Give each bucket a BucketPublicAccessBlock, a BucketServerSideEncryptionConfiguration (aws:kms), a BucketVersioning with status Enabled and a BucketPolicy denying aws:SecureTransport=false.",
    controls: {
        ...ACCESS_CONTROL,
        ...ENCRYPTION_AT_REST,
        "SOC 2": ["CC6.1", "CC6.7"],
        GDPR: ["Art. 32(1)(a)", "Art. 32(1)(b)"],
        HIPAA: ["164.312(a)(2)(iv)", "164.312(e)(1)"],
        "ISO 27001:2022": ["A.8.24", "A.8.13"],
    },
    check(resources, report) {
        const buckets = resources.filter((r) => r.type === BUCKET || r.type === BUCKET_V2);
        for (const bucket of buckets) {
            const related = resources.filter((r) => r !== bucket && configures(r, bucket));
            const missing: string[] = [];
            if (!related.some((r) => r.type === PAB)) missing.push("public access block");
            if (!related.some((r) => SSE.includes(r.type)) && arr(bucket.props.serverSideEncryptionConfigurations).length === 0)
                missing.push("default encryption");
            const versioned =
                related.some((r) => VERSIONING.includes(r.type) && obj(r.props.versioningConfiguration).status === "Enabled") ||
                arr(bucket.props.versionings).some((v) => obj(v).enabled === true);
            if (!versioned) missing.push("versioning");
            if (!related.some((r) => r.type === POLICY && deniesInsecureTransport(r.props.policy)))
                missing.push("a TLS-only bucket policy");
            if (missing.length) report.violation(`bucket "${bucket.name}" lacks ${missing.join(", ")}`, bucket.urn);
        }
    },
});
