import { ACCESS_CONTROL, ENCRYPTION_AT_REST } from "../../lib/controls";
import { stackPolicy } from "../../lib/define";
import { bucketViews, COMPANION_TYPES, companionsOf, encryptionDefaults, versioningEnabled } from "../../lib/s3-buckets";
import { arr, at, isObj, obj } from "../../lib/values";

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
        "Give each bucket a BucketPublicAccessBlock, a BucketServerSideEncryptionConfiguration (aws:kms), a BucketVersioning with status Enabled and a BucketPolicy denying aws:SecureTransport=false (the Bucket's inline serverSideEncryptionConfiguration, versioning and policy count too).",
    controls: {
        ...ACCESS_CONTROL,
        ...ENCRYPTION_AT_REST,
        "SOC 2": ["CC6.1", "CC6.7"],
        GDPR: ["Art. 32(1)(a)", "Art. 32(1)(b)"],
        HIPAA: ["164.312(a)(2)(iv)", "164.312(e)(1)"],
        "ISO 27001:2022": ["A.8.24", "A.8.13"],
    },
    check(resources, report) {
        for (const view of bucketViews(resources)) {
            const missing: string[] = [];
            if (companionsOf(view, COMPANION_TYPES.publicAccessBlock).length === 0) missing.push("public access block");
            if (encryptionDefaults(view).length === 0) missing.push("default encryption");
            if (!versioningEnabled(view)) missing.push("versioning");
            const policies = [view.bucket.props.policy, ...companionsOf(view, COMPANION_TYPES.policy).map((r) => r.props.policy)];
            if (!policies.some(deniesInsecureTransport)) missing.push("a TLS-only bucket policy");
            if (missing.length) report.violation(`bucket "${view.bucket.name}" lacks ${missing.join(", ")}`, view.bucket.urn);
        }
    },
});
