// The S3 stack policies over buckets configured the ways @pulumi/aws 7 programs write them: the Bucket's
// inline blocks (singular), the legacy BucketV2's (plural), and the separate resources under both tokens.
import { strict as assert } from "node:assert";
import type * as aws from "@pulumi/aws";
import { s3BucketAccessLogging } from "../../../../policy-pack/policies/aws/s3-bucket-access-logging";
import { s3BucketBaseline } from "../../../../policy-pack/policies/aws/s3-bucket-baseline";
import { s3BucketKmsEncryption } from "../../../../policy-pack/policies/aws/s3-bucket-kms-encryption";
import { UNKNOWN_STRING } from "../../../../policy-pack/lib/values";
import { checkStack, expectNone, expectViolations } from "../../helpers";

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const urnOf = (type: string, name: string) => `urn:pulumi:prod::p::${type}::${name}`;

function bucket(name: string, props: aws.s3.BucketArgs) {
    return { type: "aws:s3/bucket:Bucket", name, urn: urnOf("aws:s3/bucket:Bucket", name), props: props as Record<string, unknown> };
}
function bucketV2(name: string, props: aws.s3.BucketV2Args) {
    return {
        type: "aws:s3/bucketV2:BucketV2",
        name,
        urn: urnOf("aws:s3/bucketV2:BucketV2", name),
        props: props as Record<string, unknown>,
    };
}
/** A separate resource as the engine shows it: `bucket: bucket.id` resolved, or not, and a dependency on the bucket. */
function companion(type: string, name: string, props: object, dependsOn: string[] = []) {
    return { type, name, urn: urnOf(type, name), props: props as Record<string, unknown>, dependencies: dependsOn };
}

const TLS_ONLY = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: ["arn:aws:s3:::logs-prod", "arn:aws:s3:::logs-prod/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    ],
});
const PAB: aws.s3.BucketPublicAccessBlockArgs = {
    bucket: "logs-prod",
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
};

describe("aws S3 stack policies", () => {
    describe("aws:s3-bucket-baseline accepts every way @pulumi/aws 7 configures a bucket", () => {
        it("inline singular blocks on aws.s3.Bucket (the false positive of the plural-only reader)", async () => {
            const inline = bucket("logs", {
                bucket: "logs-prod",
                serverSideEncryptionConfiguration: {
                    rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } },
                },
                versioning: { enabled: true },
                policy: TLS_ONLY,
            });
            const pab = companion("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-pab", PAB);
            expectNone(await checkStack(s3BucketBaseline, [inline, pab]));
            // The same bucket with versioning suspended inline is still reported.
            const suspended = bucket("logs", { ...(inline.props as aws.s3.BucketArgs), versioning: { enabled: false } });
            expectViolations(await checkStack(s3BucketBaseline, [suspended, pab]), /lacks versioning$/);
        });

        it("inline plural blocks on the legacy aws.s3.BucketV2", async () => {
            const v2 = bucketV2("logs", {
                bucket: "logs-prod",
                serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: "AES256" }] }] }],
                versionings: [{ enabled: true }],
                policy: TLS_ONLY,
            });
            expectNone(
                await checkStack(s3BucketBaseline, [v2, companion("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", PAB)]),
            );
        });

        it("separate resources under their V2 tokens, linked by the bucket's name without a dependency", async () => {
            const b = bucket("logs", { bucket: "logs-prod" });
            const sse: aws.s3.BucketServerSideEncryptionConfigurationArgs = {
                bucket: "logs-prod",
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
            };
            const versioning: aws.s3.BucketVersioningArgs = { bucket: "logs-prod", versioningConfiguration: { status: "Enabled" } };
            const policy: aws.s3.BucketPolicyArgs = { bucket: "logs-prod", policy: TLS_ONLY };
            const stack = [
                b,
                companion("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", PAB),
                companion("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "sse", sse),
                companion("aws:s3/bucketVersioningV2:BucketVersioningV2", "ver", versioning),
                companion("aws:s3/bucketPolicy:BucketPolicy", "pol", policy),
            ];
            expectNone(await checkStack(s3BucketBaseline, stack));
            // Companions that name another bucket configure that one, not this one.
            const elsewhere = stack.map((r) => (r === b ? r : { ...r, props: { ...r.props, bucket: "other-bucket" } }));
            expectViolations(
                await checkStack(s3BucketBaseline, elsewhere),
                /"logs" lacks public access block, default encryption, versioning, a TLS-only bucket policy/,
            );
        });

        it("a suspended BucketVersioning does not count", async () => {
            const b = bucket("logs", {
                bucket: "logs-prod",
                serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } },
            });
            const stack = [
                b,
                companion("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", PAB, [b.urn]),
                companion(
                    "aws:s3/bucketVersioning:BucketVersioning",
                    "ver",
                    { bucket: UNKNOWN_STRING, versioningConfiguration: { status: "Suspended" } },
                    [b.urn],
                ),
                companion("aws:s3/bucketPolicy:BucketPolicy", "pol", { bucket: UNKNOWN_STRING, policy: TLS_ONLY }, [b.urn]),
            ];
            const outcome = await checkStack(s3BucketBaseline, stack);
            expectViolations(outcome, /"logs" lacks versioning$/);
            // Linked by its one dependency, the unknown `bucket: bucket.id` was never needed.
            assert.deepEqual(outcome.unknownPaths, []);
        });
    });

    describe("aws:s3-bucket-kms-encryption", () => {
        const kms = (sseAlgorithm: string, kmsMasterKeyId?: string) =>
            bucket("data", {
                bucket: "data-prod",
                serverSideEncryptionConfiguration: {
                    rule: { applyServerSideEncryptionByDefault: { sseAlgorithm, ...(kmsMasterKeyId ? { kmsMasterKeyId } : {}) } },
                },
            });

        it("requires aws:kms (or DSSE), and a customer-managed key when the pack config asks", async () => {
            expectNone(await checkStack(s3BucketKmsEncryption, [kms("aws:kms", KEY_ARN)], { requireCustomerManagedKey: true }));
            expectNone(await checkStack(s3BucketKmsEncryption, [kms("aws:kms:dsse", KEY_ARN)], { requireCustomerManagedKey: true }));
            expectNone(await checkStack(s3BucketKmsEncryption, [kms("aws:kms")]));
            expectViolations(await checkStack(s3BucketKmsEncryption, [kms("AES256")]), /encrypts with AES256, not aws:kms/);
            expectViolations(await checkStack(s3BucketKmsEncryption, [bucket("data", {})]), /no default encryption, so S3 uses SSE-S3/);
            expectViolations(
                await checkStack(s3BucketKmsEncryption, [kms("aws:kms")], { requireCustomerManagedKey: true }),
                /AWS managed key aws\/s3/,
            );
            expectViolations(
                await checkStack(s3BucketKmsEncryption, [kms("aws:kms", "alias/aws/s3")], { requireCustomerManagedKey: true }),
                /AWS managed key aws\/s3/,
            );
        });

        it("reads the separate BucketServerSideEncryptionConfiguration, whose key is an output at preview", async () => {
            const b = bucket("data", { bucket: "data-prod" });
            const sse = companion(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "sse",
                {
                    bucket: UNKNOWN_STRING,
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN_STRING } }],
                },
                [b.urn, urnOf("aws:kms/key:Key", "k")],
            );
            expectNone(await checkStack(s3BucketKmsEncryption, [b, sse], { requireCustomerManagedKey: true }));
        });
    });

    describe("aws:s3-bucket-access-logging", () => {
        const source = bucket("data", { bucket: "data-prod" });
        const target = bucket("access-logs", { bucket: "access-logs-prod" });

        it("accepts the inline logging block and a BucketLogging (either token)", async () => {
            expectNone(
                await checkStack(s3BucketAccessLogging, [
                    bucket("data", { bucket: "data-prod", logging: { targetBucket: "access-logs-prod", targetPrefix: "data/" } }),
                ]),
            );
            expectNone(
                await checkStack(s3BucketAccessLogging, [
                    bucketV2("data", { bucket: "data-prod", loggings: [{ targetBucket: "access-logs-prod" }] }),
                ]),
            );
            for (const type of ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"]) {
                const logging: aws.s3.BucketLoggingArgs = { bucket: "data-prod", targetBucket: "access-logs-prod", targetPrefix: "data/" };
                expectNone(await checkStack(s3BucketAccessLogging, [source, companion(type, "data-logging", logging)]));
            }
            expectViolations(await checkStack(s3BucketAccessLogging, [source]), /"data" records no server access logs/);
        });

        it("links a BucketLogging to its source bucket, not to the target it also depends on", async () => {
            const logging = companion(
                "aws:s3/bucketLogging:BucketLogging",
                "data-logging",
                { bucket: "data-prod", targetBucket: "access-logs-prod", targetPrefix: "data/" },
                [source.urn, target.urn],
            );
            const outcome = await checkStack(s3BucketAccessLogging, [source, target, logging]);
            assert.deepEqual(
                outcome.violations.map((v) => v.urn),
                [target.urn],
            );
        });

        it("at preview, where `bucket: bucket.id` is unknown and two buckets are candidates, the verdict rests on the unknown", async () => {
            const logging = companion(
                "aws:s3/bucketLogging:BucketLogging",
                "data-logging",
                { bucket: UNKNOWN_STRING, targetBucket: UNKNOWN_STRING, targetPrefix: "data/" },
                [source.urn, target.urn],
            );
            const outcome = await checkStack(s3BucketAccessLogging, [source, target, logging]);
            expectViolations(outcome, /records no server access logs/);
            assert.ok(outcome.unknownPaths.includes("data-logging.bucket"), outcome.unknownPaths.join(", "));
        });
    });
});
