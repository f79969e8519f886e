import { vaultKey } from "./kms-key";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformCluster } from "../cluster";
import { keyPolicy } from "../cluster/iam-documents";
import type { VaultConfig } from "./config";
import { backupBucketPolicy, snapshotUploadPolicy } from "./iam";
import { JOB_NAMES, cronJob, jobPodSpec, serviceAccount, snapshotVolumeClaim } from "./manifests";
import { SNAPSHOT_ROLE } from "./policies";
import { snapshotScript } from "./scripts";
import { RELEASE_NAME, VAULT_NAMESPACE, VAULT_PORT } from "./values";

/** S3 bucket names are at most 63 characters. */
const BUCKET_NAME_MAX = 63;

/**
 * `<cluster>-vault-snapshots-<account>` where it fits in S3's 63 characters; a long cluster name (up to 40)
 * gets the shorter `<cluster>-vsnap-<account>` (at most 59), so that every valid cluster name has a bucket.
 */
export function snapshotBucketName(clusterName: string, accountId: string): string {
    for (const name of [`${clusterName}-vault-snapshots-${accountId}`, `${clusterName}-vsnap-${accountId}`]) {
        if (name.length <= BUCKET_NAME_MAX) return name;
    }
    throw new Error(
        `secure-platform:cluster.name: ${clusterName} is too long for the snapshot bucket's name (S3 allows ${BUCKET_NAME_MAX} characters)`,
    );
}

export interface VaultBackupsArgs {
    config: VaultConfig;
    clusterName: string;
    protect: boolean;
    kmsDeletionWindowDays: number;
    cluster: PlatformCluster;
    /** Resources that must exist first: the namespace, and the Vault role the job logs in with. */
    dependsOn: pulumi.Resource[];
}

/**
 * Scheduled Raft snapshots (open-source Vault has no snapshot agent): a CronJob logs in with its own
 * Kubernetes auth role, which may only read a snapshot, and uploads it to an encrypted, versioned,
 * private, TLS-only S3 bucket on EKS, or to a volume on kind.
 */
export class VaultBackups extends pulumi.ComponentResource {
    readonly bucket?: pulumi.Output<string>;

    constructor(name: string, args: VaultBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:vault:VaultBackups", name, {}, { ...opts, providers: [args.cluster.provider] });
        const { config } = args;
        const ns = VAULT_NAMESPACE;
        const parent = { parent: this };
        const kept = { parent: this, protect: args.protect };
        const awsContext = args.cluster.aws;
        let annotations: Record<string, pulumi.Output<string>> = {};
        let env: Record<string, pulumi.Input<string> | undefined>;
        const extraVolumes: Parameters<typeof jobPodSpec>[0]["extraVolumes"] = [];
        const deps = [...args.dependsOn];

        if (awsContext) {
            const tags = { "secure-platform/cluster": args.clusterName };
            const key = vaultKey(
                `${name}-key`,
                {
                    clusterName: args.clusterName,
                    purpose: "Vault Raft snapshots",
                    alias: "vault-snapshots",
                    deletionWindowDays: args.kmsDeletionWindowDays,
                    policy: pulumi
                        .all([awsContext.partition, awsContext.accountId])
                        .apply(([partition, accountId]) => JSON.stringify(keyPolicy({ partition, accountId, region: awsContext.region }))),
                    tags,
                },
                kept,
            );
            const bucket = new aws.s3.Bucket(
                `${name}-bucket`,
                {
                    bucket: awsContext.accountId.apply((accountId) => snapshotBucketName(args.clusterName, accountId)),
                    // Where state is protected (staging, prod) the snapshots outlive the stack; elsewhere `destroy`
                    // empties the versioned bucket instead of failing on it.
                    forceDestroy: !args.protect,
                    tags,
                },
                kept,
            );
            new aws.s3.BucketOwnershipControls(
                `${name}-ownership`,
                { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
                parent,
            );
            new aws.s3.BucketPublicAccessBlock(
                `${name}-public-access`,
                {
                    bucket: bucket.id,
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                },
                parent,
            );
            new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, kept);
            new aws.s3.BucketServerSideEncryptionConfiguration(
                `${name}-encryption`,
                {
                    bucket: bucket.id,
                    rules: [
                        {
                            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
                            bucketKeyEnabled: true,
                        },
                    ],
                },
                kept,
            );
            new aws.s3.BucketPolicy(
                `${name}-policy`,
                {
                    bucket: bucket.id,
                    policy: pulumi
                        .all([bucket.arn, key.arn])
                        .apply(([bucketArn, keyArn]) => JSON.stringify(backupBucketPolicy({ bucketArn, keyArn }))),
                },
                parent,
            );
            new aws.s3.BucketLifecycleConfiguration(
                `${name}-lifecycle`,
                {
                    bucket: bucket.id,
                    rules: [
                        {
                            id: "expire-snapshots",
                            status: "Enabled",
                            filter: { prefix: "snapshots/" },
                            expiration: { days: config.backups.retentionDays },
                            noncurrentVersionExpiration: { noncurrentDays: config.backups.retentionDays },
                            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                        },
                    ],
                },
                parent,
            );
            const role = awsContext.workloadIdentity.roleFor(
                `${name}-snapshot`,
                {
                    namespace: ns,
                    serviceAccount: JOB_NAMES.snapshot,
                    policy: pulumi
                        .all([bucket.arn, key.arn])
                        .apply(([bucketArn, keyArn]) =>
                            JSON.stringify(snapshotUploadPolicy({ bucketArn, keyArn, region: awsContext.region })),
                        ),
                },
                parent,
            );
            annotations = role.serviceAccountAnnotations;
            // Pods get Pod Identity credentials only if their association exists when they are created.
            deps.push(...role.credentialsReady);
            env = { BUCKET: bucket.bucket, KMS_KEY_ARN: key.arn, AWS_REGION: awsContext.region };
            this.bucket = bucket.bucket;
        } else {
            const claim = new k8s.core.v1.PersistentVolumeClaim(`${name}-volume`, snapshotVolumeClaim(ns, "5Gi", config.storageClass), {
                parent: this,
                dependsOn: args.dependsOn,
            });
            deps.push(claim);
            extraVolumes.push({
                volume: { name: "snapshots", persistentVolumeClaim: { claimName: "vault-snapshots" } },
                mountPath: "/snapshots",
                readOnly: false,
            });
            env = { RETENTION_DAYS: String(config.backups.retentionDays) };
        }

        const account = new k8s.core.v1.ServiceAccount(`${name}-snapshot`, serviceAccount(JOB_NAMES.snapshot, ns, annotations), {
            parent: this,
            dependsOn: args.dependsOn,
        });
        const manifest = cronJob(
            JOB_NAMES.snapshot,
            ns,
            config.backups.schedule,
            jobPodSpec({
                serviceAccount: JOB_NAMES.snapshot,
                image: config.toolsImage,
                script: snapshotScript(awsContext ? "s3" : "volume"),
                env: { VAULT_ADDR: `https://${RELEASE_NAME}-active.${ns}.svc:${VAULT_PORT}`, VAULT_ROLE: SNAPSHOT_ROLE, ...env },
                kubernetesApi: false,
                vaultToken: true,
                extraVolumes,
            }),
        );
        new k8s.batch.v1.CronJob(`${name}-snapshot`, manifest, { parent: this, dependsOn: [account, ...deps] });
        this.registerOutputs({ bucket: this.bucket });
    }
}
