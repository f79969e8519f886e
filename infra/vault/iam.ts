// IAM and S3 policy documents for Vault's AWS resources, as plain data for tests.
import { document, type PolicyDocument } from "../cluster/iam-documents";

/** Vault's auto-unseal: wrap and unwrap the root key with one KMS key, and nothing else. */
export function unsealPolicy(keyArn: string): PolicyDocument {
    return document({ Sid: "AutoUnseal", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], Resource: keyArn });
}

/**
 * The bootstrap job checks and writes the recovery secret (named by its prefix: the name ends in a generated
 * suffix) and cannot read it back; its use of the recovery key is granted by that key's policy alone.
 */
export function bootstrapPolicy(args: { secretArnPattern: string }): PolicyDocument {
    return document({
        Sid: "StoreRecoveryMaterial",
        Effect: "Allow",
        Action: ["secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret"],
        Resource: args.secretArnPattern,
    });
}

/**
 * Administration of a key without its use: the account (its IAM policies) may manage, rotate, disable,
 * schedule deletion and rewrite this policy, so the key never becomes unmanageable, but may not encrypt,
 * decrypt or create grants (a grant would hand out Decrypt around this policy). Rewriting the policy remains
 * a path to the material for an account administrator; CloudTrail records every PutKeyPolicy.
 */
export const KEY_ADMINISTRATION = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
];

/**
 * The recovery secret's own key: the bootstrap job stores through Secrets Manager (which needs
 * GenerateDataKey and Decrypt for a write), the named break-glass role alone reads through Secrets Manager,
 * and the account administers the key without using it.
 */
export function recoveryKeyPolicy(args: {
    partition: string;
    accountId: string;
    region: string;
    bootstrapRoleArn: string;
    breakGlassRoleArn: string;
}): PolicyDocument {
    const viaSecretsManager = { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` } };
    return document(
        {
            Sid: "AccountAdministersOnly",
            Effect: "Allow",
            Principal: { AWS: `arn:${args.partition}:iam::${args.accountId}:root` },
            Action: KEY_ADMINISTRATION,
            Resource: "*",
        },
        {
            Sid: "BootstrapStoresRecoveryMaterial",
            Effect: "Allow",
            Principal: { AWS: args.bootstrapRoleArn },
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: "*",
            Condition: viaSecretsManager,
        },
        {
            Sid: "BreakGlassReadsRecoveryMaterial",
            Effect: "Allow",
            Principal: { AWS: args.breakGlassRoleArn },
            Action: ["kms:Decrypt", "kms:DescribeKey"],
            Resource: "*",
            Condition: viaSecretsManager,
        },
    );
}

/** The recovery secret gives its value to the break-glass role alone, whatever other IAM policies say. */
export function recoverySecretPolicy(args: { breakGlassRoleArn: string }): PolicyDocument {
    return document({
        Sid: "OnlyBreakGlassReads",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "secretsmanager:GetSecretValue",
        Resource: "*",
        Condition: { ArnNotEquals: { "aws:PrincipalArn": args.breakGlassRoleArn } },
    });
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
