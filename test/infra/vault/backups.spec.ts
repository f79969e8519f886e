// Raft snapshots: the bucket's name fits S3's limit for every valid cluster name, dev's bucket empties on
// destroy while staging's and prod's are kept, and the job's role can complete a multipart SSE-KMS upload.
import assert from "node:assert/strict";
import { snapshotBucketName } from "../../../infra/vault/vault-backups";
import { rawStackConfig } from "../../helpers/config";
import { ofType, only, rendered, renderWith } from "../../helpers/stacks";

const BUCKET = "aws:s3/bucket:Bucket";
// S3's rules for a bucket name: 3-63 characters, lower-case letters, digits, '-' and '.', starting and ending alphanumeric.
const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

describe("vault: snapshot bucket", () => {
    it("names a valid S3 bucket for every cluster-name length the config accepts (1 to 40)", () => {
        for (let length = 1; length <= 40; length++) {
            const name = snapshotBucketName("c".repeat(length), "123456789012");
            assert.match(name, S3_BUCKET_NAME, `${length}: ${name}`);
            assert.ok(name.endsWith("-123456789012"), name);
        }
        // Names that fit keep their established form, so existing buckets are not replaced.
        assert.equal(snapshotBucketName("platform-prod", "123456789012"), "platform-prod-vault-snapshots-123456789012");
    });

    it("renders a bucket name within 63 characters for a 40-character cluster name", async () => {
        const cluster = { ...rawStackConfig("dev").cluster, name: "a-cluster-name-of-forty-characters-abcde".slice(0, 40) };
        assert.equal(cluster.name.length, 40);
        const rendering = await renderWith("dev", { "secure-platform:cluster": JSON.stringify(cluster) });
        const bucket = String(only(rendering, BUCKET).inputs.bucket);
        assert.match(bucket, S3_BUCKET_NAME);
        assert.ok(bucket.startsWith(`${cluster.name}-`), bucket);
    });

    it("empties on destroy in dev, and is kept (protected, not force-destroyed) in staging and prod", async () => {
        const dev = only(await rendered("dev"), BUCKET);
        assert.equal(dev.inputs.forceDestroy, true);
        assert.equal(dev.protect, false);
        for (const stack of ["staging", "prod"]) {
            const bucket = only(await rendered(stack), BUCKET);
            assert.equal(bucket.inputs.forceDestroy, false, stack);
            assert.equal(bucket.protect, true, stack);
        }
    });

    it("lets the snapshot job complete a multipart SSE-KMS upload, through S3 only", async () => {
        const policy = ofType(await rendered("prod"), "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "vault-backups-snapshot")!;
        const statements = JSON.parse(String(policy.inputs.policy)).Statement as {
            Action: string[];
            Resource: string;
            Condition?: Record<string, Record<string, string>>;
        }[];
        const kms = statements.find((s) => s.Action.some((a) => a.startsWith("kms:")))!;
        assert.deepEqual([...kms.Action].sort(), ["kms:Decrypt", "kms:GenerateDataKey"]);
        assert.match(kms.Resource, /^arn:aws:kms:/);
        assert.equal(kms.Condition?.StringEquals?.["kms:ViaService"], "s3.eu-west-1.amazonaws.com");
        const s3 = statements.find((s) => s.Action.includes("s3:PutObject"))!;
        assert.match(s3.Resource, /\/snapshots\/\*$/);
    });
});
