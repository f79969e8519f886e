// IAM and S3 policy documents for Vault's AWS resources, as plain data for tests.
import { document, type PolicyDocument } from "../cluster/iam-documents";

/** Vault's auto-unseal: wrap and unwrap the root key with one KMS key, and nothing else. */
export function unsealPolicy(keyArn: string): PolicyDocument {
    return document({ Sid: "AutoUnseal", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], Resource: keyArn });
}

/** The bootstrap job writes the recovery material into one secret, encrypted with Vault's key through Secrets Manager only. */
export function bootstrapPolicy(args: { secretArn: string; keyArn: string; region: string }): PolicyDocument {
    return document(
        {
            Sid: "StoreRecoveryMaterial",
            Effect: "Allow",
            Action: ["secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret"],
            Resource: args.secretArn,
        },
        {
            Sid: "EncryptThroughSecretsManager",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: args.keyArn,
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` } },
        },
    );
}

/**
 * The snapshot job adds objects under snapshots/ and encrypts them with the backup key; it cannot read or delete.
 * A snapshot over the CLI's 8 MB threshold goes up in parts, and with SSE-KMS S3 decrypts the data key for each
 * part and to complete the upload, so kms:Decrypt (through S3 only) is needed as well as kms:GenerateDataKey.
 */
export function snapshotUploadPolicy(args: { bucketArn: string; keyArn: string; region: string }): PolicyDocument {
    return document(
        { Sid: "PutSnapshots", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${args.bucketArn}/snapshots/*` },
        {
            Sid: "EncryptThroughS3",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: args.keyArn,
            Condition: { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` } },
        },
    );
}

/** The backup bucket refuses plain HTTP and objects not encrypted with its KMS key. */
export function backupBucketPolicy(args: { bucketArn: string; keyArn: string }): PolicyDocument {
    return document(
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:*",
            Resource: [args.bucketArn, `${args.bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
            Sid: "DenyOtherEncryptionKeys",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:PutObject",
            Resource: `${args.bucketArn}/*`,
            Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": args.keyArn } },
        },
    );
}
