import { vaultKey } from "./kms-key";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformCluster } from "../cluster";
import { keyPolicy } from "../cluster/iam-documents";
import { helmRelease } from "../lib/helm";
import { systemNamespace } from "../namespaces/system-namespace";
import { recoveryShares, type VaultConfig } from "./config";
import type { DesiredState } from "./vault-configuration";
import { bootstrapPolicy, recoveryKeyPolicy, recoverySecretPolicy, unsealPolicy } from "./iam";
import {
    JOB_NAMES,
    bootstrapRbac,
    TLS_RBAC,
    bundlePublisherRbac,
    job,
    cronJob,
    jobPodSpec,
    roleFor,
    serviceAccount,
    vaultEgressPolicy,
    vaultIngressPolicy,
    vaultNamespaceIsolation,
} from "./manifests";
import { RECONCILER_ROLE } from "./policies";
import { bootstrapScript, unsealScript } from "./scripts";
import { TLS_RENEW_SCHEDULE, tlsRenewScript } from "./tls";
import {
    CA_CONFIGMAP,
    RELEASE_NAME,
    SERVER_SERVICE_ACCOUNT,
    TLS_SECRET,
    VAULT_NAMESPACE,
    VAULT_PORT,
    serverCertificateNames,
    serverConfig,
    vaultValues,
} from "./values";

export interface VaultServerArgs {
    config: VaultConfig;
    stack: string;
    clusterName: string;
    kubernetesVersion: string;
    /** Availability zones the nodes span; decides whether pods spread per zone or per node. */
    zones: number;
    protect: boolean;
    kmsDeletionWindowDays: number;
    cluster: PlatformCluster;
    /** The reconciler's login (policy, role, auth config) that the bootstrap job writes with the root token. */
    reconciler: DesiredState["reconciler"];
    /** Application namespaces whose services use Vault, those services, and the resources that create the namespaces. */
    clientNamespaces: { name: string; resource: pulumi.Resource; workloads: string[] }[];
    /** EKS: the VPC's range, where the API server's interfaces are; undefined on an existing cluster. */
    apiServerCidrs?: string[];
}

/**
 * Vault on Kubernetes: HashiCorp's chart in HA Raft mode behind its own TLS, auto-unsealed with KMS on EKS,
 * initialised by an in-cluster job that stores the recovery material encrypted and sets up the in-cluster
 * reconciler's login; the root token is revoked, and nothing outside the cluster talks to Vault.
 */
export class VaultServer extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly release: k8s.helm.v3.Release;
    readonly bootstrap: k8s.batch.v1.Job;
    readonly recoverySecretArn?: pulumi.Output<string>;
    /** What pods with AWS roles in this namespace start after (Pod Identity associations): the snapshot job's too. */
    readonly credentialsReady: pulumi.Resource[];

    constructor(name: string, args: VaultServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:vault:VaultServer", name, {}, { ...opts, providers: [args.cluster.provider] });
        const { config } = args;
        const ns = VAULT_NAMESPACE;
        const parent = { parent: this };
        const namespace = systemNamespace(
            `${name}-namespace`,
            {
                name: ns,
                kubernetesVersion: args.kubernetesVersion,
                podSecurity: "restricted",
                labels: { "istio-injection": "disabled" },
            },
            { parent: this, dependsOn: args.cluster.ready },
        );
        this.namespace = namespace.metadata.name;
        const inNamespace = { parent: this, dependsOn: [namespace] };

        // AWS: the unseal key, the encrypted home of the recovery material, and the two roles that use them.
        let serverAnnotations: Record<string, pulumi.Output<string>> = {};
        let bootstrapAnnotations: Record<string, pulumi.Output<string>> = {};
        // EKS injects Pod Identity credentials only when a pod is created: pods start after their association.
        let serverCredentials: pulumi.Resource[] = [];
        let bootstrapCredentials: pulumi.Resource[] = [];
        let sealArgs: { region?: string; kmsKeyId?: pulumi.Output<string> } = {};
        let recoverySecretArn: pulumi.Output<string> | undefined;
        const awsContext = args.cluster.aws;
        if (config.unseal === "aws-kms") {
            if (!awsContext) throw new Error("vault.unseal aws-kms needs an EKS cluster");
            const tags = { "secure-platform/cluster": args.clusterName };
            const key = vaultKey(
                `${name}-unseal`,
                {
                    clusterName: args.clusterName,
                    purpose: "Vault auto-unseal",
                    alias: "vault-unseal",
                    deletionWindowDays: args.kmsDeletionWindowDays,
                    policy: pulumi
                        .all([awsContext.partition, awsContext.accountId])
                        .apply(([partition, accountId]) => JSON.stringify(keyPolicy({ partition, accountId, region: awsContext.region }))),
                    tags,
                },
                { parent: this, protect: args.protect },
            );
            const server = awsContext.workloadIdentity.roleFor(
                `${name}-server`,
                {
                    namespace: ns,
                    serviceAccount: SERVER_SERVICE_ACCOUNT,
                    policy: key.arn.apply((arn) => JSON.stringify(unsealPolicy(arn))),
                },
                parent,
            );
            // The recovery material has its own key, which only the break-glass role may decrypt with: the
            // unseal key must stay usable by the servers, so it cannot also be the guard of the recovery keys.
            const breakGlassRoleArn = config.recovery.breakGlassRoleArn;
            if (!breakGlassRoleArn) throw new Error("vault.recovery.breakGlassRoleArn is required with aws-kms");
            // The secret's name has a generated suffix, so the role names the prefix; KMS use comes from the key policy.
            const secretPrefix = `${args.clusterName}/vault/recovery-`;
            const bootstrap = awsContext.workloadIdentity.roleFor(
                `${name}-bootstrap`,
                {
                    namespace: ns,
                    serviceAccount: JOB_NAMES.bootstrap,
                    policy: pulumi.all([awsContext.partition, awsContext.accountId]).apply(([partition, accountId]) =>
                        JSON.stringify(
                            bootstrapPolicy({
                                secretArnPattern: `arn:${partition}:secretsmanager:${awsContext.region}:${accountId}:secret:${secretPrefix}*`,
                            }),
                        ),
                    ),
                },
                parent,
            );
            const recoveryKey = vaultKey(
                `${name}-recovery`,
                {
                    clusterName: args.clusterName,
                    purpose: "Vault recovery material (break-glass only)",
                    alias: "vault-recovery",
                    deletionWindowDays: args.kmsDeletionWindowDays,
                    policy: pulumi
                        .all([awsContext.partition, awsContext.accountId, bootstrap.roleArn])
                        .apply(([partition, accountId, bootstrapRoleArn]) =>
                            JSON.stringify(
                                recoveryKeyPolicy({ partition, accountId, region: awsContext.region, bootstrapRoleArn, breakGlassRoleArn }),
                            ),
                        ),
                    tags,
                },
                { parent: this, protect: args.protect },
            );
            const recovery = new aws.secretsmanager.Secret(
                `${name}-recovery`,
                {
                    // A generated suffix: a re-created stack never collides with a secret still in its recovery window.
                    namePrefix: secretPrefix,
                    description: "Vault recovery keys and the (revoked) initial root token, written once by the vault-bootstrap job",
                    kmsKeyId: recoveryKey.arn,
                    recoveryWindowInDays: args.protect ? 30 : 7,
                    tags,
                },
                { parent: this, protect: args.protect },
            );
            new aws.secretsmanager.SecretPolicy(
                `${name}-recovery`,
                { secretArn: recovery.arn, policy: JSON.stringify(recoverySecretPolicy({ breakGlassRoleArn })), blockPublicPolicy: true },
                parent,
            );
            recoverySecretArn = recovery.arn;
            serverAnnotations = server.serviceAccountAnnotations;
            bootstrapAnnotations = bootstrap.serviceAccountAnnotations;
            serverCredentials = server.credentialsReady;
            bootstrapCredentials = bootstrap.credentialsReady;
            sealArgs = { region: awsContext.region, kmsKeyId: key.keyId };
        }
        this.recoverySecretArn = recoverySecretArn;

        // TLS: a Job issues the CA and the server certificate before Vault starts, and a CronJob renews and
        // rotates them (tls.ts); Vault mounts the certificate, its clients the CA bundle, in their own namespaces.
        const names = serverCertificateNames(ns);
        const tlsScript = tlsRenewScript({
            namespace: ns,
            dnsNames: names.dns,
            ipAddresses: names.ips,
            bundleNamespaces: args.clientNamespaces.map((c) => c.name),
            serverSecret: TLS_SECRET,
            caConfigMap: CA_CONFIGMAP,
        });
        const tlsAccount = new k8s.core.v1.ServiceAccount(`${name}-tls`, serviceAccount(JOB_NAMES.tls, ns), inNamespace);
        const [tlsRole, tlsBinding] = roleFor(JOB_NAMES.tls, ns, TLS_RBAC);
        const tlsRbac = [
            new k8s.rbac.v1.Role(`${name}-tls`, tlsRole, inNamespace),
            new k8s.rbac.v1.RoleBinding(`${name}-tls`, tlsBinding, inNamespace),
        ];
        for (const client of args.clientNamespaces) {
            const [role, binding] = bundlePublisherRbac(client.name, ns);
            const inClient = { parent: this, dependsOn: [client.resource] };
            tlsRbac.push(new k8s.rbac.v1.Role(`${name}-tls-${client.name}`, role, inClient));
            tlsRbac.push(new k8s.rbac.v1.RoleBinding(`${name}-tls-${client.name}`, binding, inClient));
        }
        const tlsPod = jobPodSpec({
            serviceAccount: JOB_NAMES.tls,
            image: config.toolsImage,
            script: tlsScript,
            env: {},
            kubernetesApi: true,
            withCa: false,
        });
        const tlsJob = new k8s.batch.v1.Job(`${name}-tls`, job(JOB_NAMES.tls, ns, tlsPod), {
            parent: this,
            dependsOn: [tlsAccount, ...tlsRbac],
            customTimeouts: { create: "15m", update: "15m" },
        });
        new k8s.batch.v1.CronJob(`${name}-tls-renew`, cronJob(JOB_NAMES.tlsRenew, ns, TLS_RENEW_SCHEDULE, tlsPod), {
            parent: this,
            dependsOn: [tlsJob],
        });

        const values = pulumi.all([sealArgs.kmsKeyId ?? "", pulumi.output(serverAnnotations)]).apply(([kmsKeyId, annotations]) =>
            vaultValues({
                config,
                zones: args.zones,
                serverHcl: serverConfig({ unseal: config.unseal, region: sealArgs.region, kmsKeyId, namespace: ns }),
                serviceAccountAnnotations: annotations,
                protect: args.protect,
            }),
        );
        this.release = helmRelease(
            RELEASE_NAME,
            {
                ...config.chart,
                chart: "vault",
                namespace: ns,
                values,
                // Pods are Ready only once unsealed and joined, which the bootstrap Job (after this release) brings
                // about: waiting here would hang until the timeout and roll Vault back. The Job waits for the pods.
                skipAwait: true,
            },
            { parent: this, dependsOn: [tlsJob, ...serverCredentials] },
        );

        // With Pod Identity (an EKS cluster whose role grants need no IRSA annotation) the agent serves credentials.
        const podIdentity = awsContext !== undefined && Object.keys(serverAnnotations).length === 0;
        // Network: Vault's pods take API calls from the namespaces that use them, Raft only from each other;
        // on EKS the pods with AWS roles reach the Pod Identity agent; everything else, in or out, is denied.
        for (const [policyName, policy] of Object.entries(
            vaultNamespaceIsolation(ns, config.database?.port, podIdentity, {
                apiServerCidrs: args.apiServerCidrs,
                aws: awsContext !== undefined,
            }),
        )) {
            new k8s.networking.v1.NetworkPolicy(`${name}-${policyName}`, policy, inNamespace);
        }
        new k8s.networking.v1.NetworkPolicy(
            `${name}-ingress`,
            vaultIngressPolicy(
                ns,
                args.clientNamespaces.map((c) => ({ namespace: c.name, workloads: c.workloads })),
            ),
            inNamespace,
        );
        for (const client of args.clientNamespaces) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-egress-${client.name}`,
                vaultEgressPolicy({ namespace: client.name, workloads: client.workloads }, ns),
                {
                    parent: this,
                    dependsOn: [client.resource],
                },
            );
        }

        // Bootstrap: initialise once, store recovery material, set up the reconciler's login, revoke root.
        const local = config.unseal === "insecure-local-shamir";
        const bootstrapAccount = new k8s.core.v1.ServiceAccount(
            `${name}-bootstrap`,
            serviceAccount(JOB_NAMES.bootstrap, ns, bootstrapAnnotations),
            inNamespace,
        );
        const [bootstrapRole, bootstrapBinding] = roleFor(JOB_NAMES.bootstrap, ns, bootstrapRbac(local));
        const bootstrapDeps: pulumi.Resource[] = [
            bootstrapAccount,
            this.release,
            ...bootstrapCredentials,
            new k8s.rbac.v1.Role(`${name}-bootstrap`, bootstrapRole, inNamespace),
            new k8s.rbac.v1.RoleBinding(`${name}-bootstrap`, bootstrapBinding, inNamespace),
        ];
        const { pgpKeys, threshold } = config.recovery;
        // One recovery share per custodian key (each encrypted to its custodian by Vault), or five together.
        const initRequest = local
            ? { secret_shares: 1, secret_threshold: 1 }
            : {
                  recovery_shares: recoveryShares(config.recovery),
                  recovery_threshold: threshold,
                  ...(pgpKeys.length > 0 ? { recovery_pgp_keys: pgpKeys } : {}),
              };
        this.bootstrap = new k8s.batch.v1.Job(
            `${name}-bootstrap`,
            job(
                JOB_NAMES.bootstrap,
                ns,
                jobPodSpec({
                    serviceAccount: JOB_NAMES.bootstrap,
                    image: config.toolsImage,
                    script: bootstrapScript(config.unseal),
                    env: {
                        VAULT_ADDR: `https://${RELEASE_NAME}-0.${RELEASE_NAME}-internal.${ns}.svc:${VAULT_PORT}`,
                        NAMESPACE: ns,
                        INIT_REQUEST: JSON.stringify(initRequest),
                        RECONCILER_ROLE,
                        RECONCILER: JSON.stringify(args.reconciler),
                        AWS_REGION: awsContext?.region,
                        RECOVERY_SECRET_ID: recoverySecretArn,
                    },
                    kubernetesApi: true,
                }),
                // No deadline: a pod killed while it retries storing the init response would lose it.
                "none",
            ),
            { parent: this, dependsOn: bootstrapDeps, customTimeouts: { create: "35m", update: "35m" } },
        );
        this.credentialsReady = [...serverCredentials, ...bootstrapCredentials];

        if (local) {
            // kind has no KMS: a CronJob unseals restarted pods with the key the bootstrap job kept. Local only.
            const unsealAccount = new k8s.core.v1.ServiceAccount(`${name}-unseal`, serviceAccount(JOB_NAMES.unseal, ns), inNamespace);
            new k8s.batch.v1.CronJob(
                `${name}-unseal`,
                cronJob(
                    JOB_NAMES.unseal,
                    ns,
                    "* * * * *",
                    jobPodSpec({
                        serviceAccount: JOB_NAMES.unseal,
                        image: config.toolsImage,
                        script: unsealScript(config.replicas, ns),
                        env: {},
                        kubernetesApi: false,
                        extraVolumes: [
                            {
                                volume: {
                                    name: "vault-init",
                                    secret: {
                                        secretName: "vault-init-insecure-local",
                                        optional: true,
                                        items: [{ key: "init.json", path: "init.json" }],
                                    },
                                },
                                mountPath: "/vault-init",
                                readOnly: true,
                            },
                        ],
                    }),
                ),
                { parent: this, dependsOn: [unsealAccount, this.release] },
            );
        }

        this.registerOutputs({ namespace: this.namespace, recoverySecretArn });
    }
}
