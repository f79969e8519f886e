// What each AWS reference of a rendered EKS stack points at, resolved through the outputs the mocks gave
// the referenced resource (its ARN, key id, name or bucket), the way the provider resolves them in a real
// `pulumi up`. A check returns its problems; an empty list means every reference lands where it must.
import type { RenderedResource } from "../../tools/render/render";

type Json = Record<string, any>;

export interface ReferenceCheck {
    /** `references:<what>`, the name a mutation gives as its killer. */
    id: string;
    description: string;
    check(resources: readonly RenderedResource[]): string[];
}

const T = {
    cluster: "aws:eks/cluster:Cluster",
    key: "aws:kms/key:Key",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
    secret: "aws:secretsmanager/secret:Secret",
    bucket: "aws:s3/bucket:Bucket",
    bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    release: "kubernetes:helm.sh/v3:Release",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
} as const;

/** Resource names of the stack's own resources (infra/cluster and infra/vault name them so). */
const NAMES = {
    vaultRelease: "vault",
    unsealKey: "vault-unseal",
    recoveryKey: "vault-recovery",
    snapshotKey: "vault-backups-key",
    snapshotBucket: "vault-backups-bucket",
    snapshotEncryption: "vault-backups-encryption",
    snapshotCronJob: "vault-backups-snapshot",
    bootstrapJob: "vault-bootstrap",
    recoverySecret: "vault-recovery",
} as const;

const ofType = (resources: readonly RenderedResource[], type: string) => resources.filter((r) => r.type === type);

function one(resources: readonly RenderedResource[], type: string, name: string): RenderedResource & { inputs: Json; outputs: Json } {
    const found = resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    return found[0] as RenderedResource & { inputs: Json; outputs: Json };
}

function cluster(resources: readonly RenderedResource[]): RenderedResource & { inputs: Json } {
    const found = ofType(resources, T.cluster);
    if (found.length !== 1) throw new Error(`expected one EKS cluster, found ${found.length}`);
    return found[0] as RenderedResource & { inputs: Json };
}

/** The stack's keys by purpose: the cluster's three are named after the cluster, Vault's three after their component. */
function keys(resources: readonly RenderedResource[]) {
    const name = String(cluster(resources).inputs.name);
    return {
        secrets: one(resources, T.key, `${name}-secrets`),
        logs: one(resources, T.key, `${name}-logs`),
        volumes: one(resources, T.key, `${name}-volumes`),
        unseal: one(resources, T.key, NAMES.unsealKey),
        recovery: one(resources, T.key, NAMES.recoveryKey),
        snapshots: one(resources, T.key, NAMES.snapshotKey),
    };
}

/** The KMS key a reference (ARN, key id or alias-free id) resolves to, by the keys' outputs. */
function keyNamed(resources: readonly RenderedResource[], reference: unknown): string {
    const key = ofType(resources, T.key).find((k) => [k.outputs.arn, k.outputs.keyId, k.id].includes(reference));
    return key ? key.name : `no key of the stack (${JSON.stringify(reference)})`;
}

function expectKey(resources: readonly RenderedResource[], where: string, reference: unknown, expected: RenderedResource): string[] {
    const got = keyNamed(resources, reference);
    return got === expected.name ? [] : [`${where} is encrypted with ${got}, not ${expected.name}`];
}

function podSpec(resource: RenderedResource): Json {
    const spec = resource.inputs.spec as Json;
    return (spec.template ?? spec.jobTemplate.spec.template).spec as Json;
}

function envOf(resource: RenderedResource, name: string): unknown {
    return (podSpec(resource).containers as Json[]).flatMap((c) => (c.env as Json[] | undefined) ?? []).find((e) => e.name === name)?.value;
}

/** A pod identity association gives `role` to exactly `namespace`/`serviceAccount`, and the role's policy is attached to it. */
function podIdentity(
    resources: readonly RenderedResource[],
    association: string,
    expected: { role: string; namespace: unknown; serviceAccount: unknown },
): string[] {
    const found = ofType(resources, T.podIdentity).filter((a) => a.name === association);
    if (found.length !== 1) return [`expected one pod identity association ${association}, found ${found.length}`];
    const inputs = found[0]!.inputs;
    const role = one(resources, T.role, expected.role);
    const problems: string[] = [];
    const roleOf =
        ofType(resources, T.role).find((r) => r.outputs.arn === inputs.roleArn)?.name ?? `no role of the stack (${inputs.roleArn})`;
    if (roleOf !== role.name) problems.push(`${association} gives ${roleOf}, not ${role.name}`);
    if (inputs.clusterName !== cluster(resources).outputs.name && inputs.clusterName !== cluster(resources).id)
        problems.push(`${association} is for cluster ${inputs.clusterName}, not the stack's`);
    if (inputs.namespace !== expected.namespace)
        problems.push(`${association} is for namespace ${inputs.namespace}, not ${expected.namespace}`);
    if (inputs.serviceAccount !== expected.serviceAccount)
        problems.push(`${association} is for service account ${inputs.serviceAccount}, not ${expected.serviceAccount}`);
    const policy = ofType(resources, T.rolePolicy).find((p) => p.name === expected.role);
    if (!policy) problems.push(`no inline policy ${expected.role}`);
    else if (policy.inputs.role !== role.outputs.name)
        problems.push(`policy ${expected.role} is attached to ${policy.inputs.role}, not ${role.outputs.name}`);
    return problems;
}

export const REFERENCE_CHECKS: ReferenceCheck[] = [
    {
        id: "references:eks-secrets-key",
        description: "the EKS cluster envelope-encrypts Kubernetes secrets with the stack's secrets key",
        check: (rs) => expectKey(rs, "EKS secrets", cluster(rs).inputs.encryptionConfig?.provider?.keyArn, keys(rs).secrets),
    },
    {
        id: "references:node-volumes-key",
        description: "every node group's launch template encrypts its volumes with the volumes key",
        check: (rs) =>
            ofType(rs, T.launchTemplate).flatMap((lt) =>
                ((lt.inputs.blockDeviceMappings as Json[] | undefined) ?? []).flatMap((m) =>
                    expectKey(rs, `launch template ${lt.name} ${m.deviceName}`, m.ebs?.kmsKeyId, keys(rs).volumes),
                ),
            ),
    },
    {
        id: "references:storage-class-key",
        description: "the cluster's StorageClasses encrypt persistent volumes with the volumes key",
        check: (rs) =>
            ofType(rs, T.storageClass).flatMap((sc) =>
                expectKey(rs, `StorageClass ${sc.name}`, (sc.inputs.parameters as Json | undefined)?.kmsKeyId, keys(rs).volumes),
            ),
    },
    {
        id: "references:logs-key",
        description: "every CloudWatch log group (control plane, flow logs) is encrypted with the logs key",
        check: (rs) =>
            ofType(rs, T.logGroup).flatMap((lg) => expectKey(rs, `log group ${lg.inputs.name}`, lg.inputs.kmsKeyId, keys(rs).logs)),
    },
    {
        id: "references:vault-unseal-key",
        description: "Vault auto-unseals with the unseal key, and its recovery secret is encrypted with its own recovery key",
        check: (rs) => {
            const hcl = String(one(rs, T.release, NAMES.vaultRelease).inputs.values?.server?.ha?.raft?.config ?? "");
            const sealKey = /seal\s+"awskms"\s*\{[^}]*kms_key_id\s*=\s*"([^"]+)"/.exec(hcl)?.[1];
            return [
                ...expectKey(rs, "Vault's awskms seal", sealKey, keys(rs).unseal),
                // Its own key: the servers may decrypt with the unseal key, so that key cannot guard the recovery keys.
                ...expectKey(rs, "the recovery secret", one(rs, T.secret, NAMES.recoverySecret).inputs.kmsKeyId, keys(rs).recovery),
            ];
        },
    },
    {
        id: "references:snapshot-key",
        description: "Raft snapshots are encrypted with the snapshots key, by the bucket's default and by the snapshot job",
        check: (rs) => {
            const encryption = one(rs, T.bucketEncryption, NAMES.snapshotEncryption).inputs.rules as Json[];
            return [
                ...expectKey(
                    rs,
                    "the snapshot bucket's default encryption",
                    encryption[0]?.applyServerSideEncryptionByDefault?.kmsMasterKeyId,
                    keys(rs).snapshots,
                ),
                ...expectKey(
                    rs,
                    "the snapshot job's uploads",
                    envOf(one(rs, T.cronJob, NAMES.snapshotCronJob), "KMS_KEY_ARN"),
                    keys(rs).snapshots,
                ),
            ];
        },
    },
    {
        id: "references:snapshot-bucket",
        description: "the snapshot job uploads to the stack's snapshot bucket, and its role may write only there",
        check: (rs) => {
            const bucket = one(rs, T.bucket, NAMES.snapshotBucket).outputs;
            const problems: string[] = [];
            const target = envOf(one(rs, T.cronJob, NAMES.snapshotCronJob), "BUCKET");
            if (target !== bucket.bucket) problems.push(`the snapshot job uploads to ${JSON.stringify(target)}, not ${bucket.bucket}`);
            const encryption = one(rs, T.bucketEncryption, NAMES.snapshotEncryption).inputs.bucket;
            if (encryption !== bucket.bucket) problems.push(`default encryption is set on ${encryption}, not ${bucket.bucket}`);
            const policy = JSON.parse(String(one(rs, T.rolePolicy, NAMES.snapshotCronJob).inputs.policy)) as { Statement: Json[] };
            const writes = policy.Statement.filter((s) => ([] as string[]).concat(s.Action).includes("s3:PutObject"));
            const outside = writes.flatMap((s) => ([] as string[]).concat(s.Resource)).filter((r) => !r.startsWith(`${bucket.arn}/`));
            if (writes.length === 0 || outside.length > 0)
                problems.push(`the snapshot role writes to ${JSON.stringify(outside)} instead of objects of ${bucket.arn}`);
            return problems;
        },
    },
    {
        id: "references:vault-server-identity",
        description: "Vault's server pods (the release's namespace and service account) get the unseal role through pod identity",
        check: (rs) => {
            const release = one(rs, T.release, NAMES.vaultRelease).inputs;
            return podIdentity(rs, "vault-server", {
                role: "vault-server",
                namespace: release.namespace,
                serviceAccount: release.values?.server?.serviceAccount?.name,
            });
        },
    },
    {
        id: "references:vault-bootstrap-identity",
        description: "the bootstrap job's pods get the bootstrap role through pod identity",
        check: (rs) => {
            const job = one(rs, T.job, NAMES.bootstrapJob);
            return podIdentity(rs, "vault-bootstrap", {
                role: "vault-bootstrap",
                namespace: (job.inputs.metadata as Json).namespace,
                serviceAccount: podSpec(job).serviceAccountName,
            });
        },
    },
    {
        id: "references:vault-snapshot-identity",
        description: "the snapshot job's pods get the snapshot role through pod identity",
        check: (rs) => {
            const cronJob = one(rs, T.cronJob, NAMES.snapshotCronJob);
            return podIdentity(rs, "vault-backups-snapshot", {
                role: "vault-backups-snapshot",
                namespace: (cronJob.inputs.metadata as Json).namespace,
                serviceAccount: podSpec(cronJob).serviceAccountName,
            });
        },
    },
];

/** Whether the reference checks apply: they are about the AWS resources of an EKS stack. */
export const hasEks = (resources: readonly RenderedResource[]) => ofType(resources, T.cluster).length > 0;

/** Every reference problem of the stack, each prefixed with the check that found it. */
export function referenceProblems(resources: readonly RenderedResource[]): { check: string; problem: string }[] {
    return REFERENCE_CHECKS.flatMap((c) => {
        try {
            return c.check(resources).map((problem) => ({ check: c.id, problem }));
        } catch (error) {
            // A reference whose target is gone is a broken reference too.
            return [{ check: c.id, problem: (error as Error).message }];
        }
    });
}
