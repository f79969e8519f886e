import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PlatformCluster } from "../cluster";
import { keyPolicy } from "../cluster/iam-documents";
import { helmRelease } from "../lib/helm";
import { systemNamespace } from "../namespaces/system-namespace";
import type { VaultConfig } from "./config";
import { bootstrapPolicy, unsealPolicy } from "./iam";
import {
    JOB_NAMES,
    LOCAL_BOOTSTRAP_RBAC,
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
import { DEPLOYER_POLICY, deployerPolicyRules, renderPolicy } from "./policies";
import { bootstrapScript, unsealScript } from "./scripts";
import { TLS_RENEW_SCHEDULE, tlsRenewScript } from "./tls";
import {
    CA_CONFIGMAP,
    TLS_SECRET,
    RELEASE_NAME,
    SERVER_SERVICE_ACCOUNT,
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
    /** IAM principals that run `pulumi up` (the cluster-admin access entries); they log in to Vault with IAM. */
    deployerPrincipalArns: string[];
    /** Application namespaces whose services use Vault, those services, and the resources that create the namespaces. */
    clientNamespaces: { name: string; resource: pulumi.Resource; workloads: string[] }[];
    /** EKS: the VPC's range, where the API server's interfaces are; undefined on an existing cluster. */
    apiServerCidrs?: string[];
}

/**
 * Vault on Kubernetes: HashiCorp's chart in HA Raft mode behind its own TLS, auto-unsealed with KMS on EKS,
 * initialised by an in-cluster job that stores the recovery material encrypted and hands `pulumi up` a
 * least-privilege login instead of the root token. Exposes the Vault provider configured from outputs.
 */
export class VaultServer extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly release: k8s.helm.v3.Release;
    readonly bootstrap: k8s.batch.v1.Job;
    readonly provider: vault.Provider;
    readonly address: string;
    readonly recoverySecretArn?: pulumi.Output<string>;

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
        let sealArgs: { region?: string; kmsKeyId?: pulumi.Output<string> } = {};
        let recoverySecretArn: pulumi.Output<string> | undefined;
        const awsContext = args.cluster.aws;
        if (config.unseal === "aws-kms") {
            if (!awsContext) throw new Error("vault.unseal aws-kms needs an EKS cluster");
            const key = new aws.kms.Key(
                `${name}-unseal`,
                {
                    description: `${args.clusterName}: Vault auto-unseal and recovery material`,
                    enableKeyRotation: true,
                    rotationPeriodInDays: 365,
                    deletionWindowInDays: args.kmsDeletionWindowDays,
                    policy: pulumi
                        .all([awsContext.partition, awsContext.accountId])
                        .apply(([partition, accountId]) => JSON.stringify(keyPolicy({ partition, accountId, region: awsContext.region }))),
                    tags: { "secure-platform/cluster": args.clusterName },
                },
                { parent: this, protect: args.protect },
            );
            new aws.kms.Alias(`${name}-unseal`, { name: `alias/${args.clusterName}-vault-unseal`, targetKeyId: key.keyId }, parent);
            const recovery = new aws.secretsmanager.Secret(
                `${name}-recovery`,
                {
                    name: `${args.clusterName}/vault/recovery`,
                    description: "Vault recovery keys and the (revoked) initial root token, written once by the vault-bootstrap job",
                    kmsKeyId: key.arn,
                    recoveryWindowInDays: 30,
                    tags: { "secure-platform/cluster": args.clusterName },
                },
                { parent: this, protect: args.protect },
            );
            recoverySecretArn = recovery.arn;
            const server = awsContext.workloadIdentity.roleFor(
                `${name}-server`,
                {
                    namespace: ns,
                    serviceAccount: SERVER_SERVICE_ACCOUNT,
                    policy: key.arn.apply((arn) => JSON.stringify(unsealPolicy(arn))),
                },
                parent,
            );
            const bootstrap = awsContext.workloadIdentity.roleFor(
                `${name}-bootstrap`,
                {
                    namespace: ns,
                    serviceAccount: JOB_NAMES.bootstrap,
                    policy: pulumi
                        .all([recovery.arn, key.arn])
                        .apply(([secretArn, keyArn]) => JSON.stringify(bootstrapPolicy({ secretArn, keyArn, region: awsContext.region }))),
                },
                parent,
            );
            serverAnnotations = server.serviceAccountAnnotations;
            bootstrapAnnotations = bootstrap.serviceAccountAnnotations;
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
            { parent: this, dependsOn: [tlsJob] },
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

        // Bootstrap: initialise once, store recovery material, set up the deployer's login, revoke root.
        const local = config.unseal === "insecure-local-shamir";
        const bootstrapAccount = new k8s.core.v1.ServiceAccount(
            `${name}-bootstrap`,
            serviceAccount(JOB_NAMES.bootstrap, ns, bootstrapAnnotations),
            inNamespace,
        );
        const bootstrapDeps: pulumi.Resource[] = [bootstrapAccount, this.release];
        if (local) {
            const [role, binding] = roleFor(JOB_NAMES.bootstrap, ns, LOCAL_BOOTSTRAP_RBAC);
            bootstrapDeps.push(
                new k8s.rbac.v1.Role(`${name}-bootstrap`, role, inNamespace),
                new k8s.rbac.v1.RoleBinding(`${name}-bootstrap`, binding, inNamespace),
            );
        }
        const deployerPolicy = renderPolicy(deployerPolicyRules());
        const authHeader = `${args.clusterName}-vault`;
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
                        DEPLOYER_POLICY_NAME: DEPLOYER_POLICY,
                        DEPLOYER_POLICY: deployerPolicy,
                        DEPLOYER_PRINCIPALS: local ? undefined : JSON.stringify(args.deployerPrincipalArns),
                        AWS_AUTH_HEADER: local ? undefined : authHeader,
                        AWS_REGION: awsContext?.region,
                        RECOVERY_SECRET_ID: local ? undefined : `${args.clusterName}/vault/recovery`,
                    },
                    kubernetesApi: local,
                }),
                1800,
            ),
            { parent: this, dependsOn: bootstrapDeps, customTimeouts: { create: "35m", update: "35m" } },
        );

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

        // The Vault provider, configured from what the jobs produced: the CA they published, and a login
        // that is never the root token (AWS IAM on EKS; the local-only deployer token on kind).
        // Each read's id waits on its job's status: unknown while a preview plans the job, so nothing is read
        // before the job has written it; known once the job has run, so later previews read the real object.
        const afterJob = (jobResource: k8s.batch.v1.Job, id: string) => jobResource.status.apply(() => id);
        const ca = k8s.core.v1.ConfigMap.get(`${name}-ca`, afterJob(tlsJob, `${ns}/${CA_CONFIGMAP}`), {
            parent: this,
            dependsOn: [tlsJob],
        });
        const caCertFile = ca.data.apply((data) => writeCaFile(args.stack, data?.["ca.crt"] ?? ""));
        this.address = config.address;
        let login: Pick<vault.ProviderArgs, "authLoginAws" | "token">;
        if (local) {
            const tokenSecret = k8s.core.v1.Secret.get(
                `${name}-deployer-token`,
                afterJob(this.bootstrap, `${ns}/vault-deployer-token-insecure-local`),
                { parent: this, dependsOn: [this.bootstrap] },
            );
            login = {
                token: pulumi.secret(tokenSecret.data.apply((data) => Buffer.from(data?.["token"] ?? "", "base64").toString("utf8"))),
            };
        } else {
            const region = awsContext!.region;
            login = {
                authLoginAws: {
                    role: DEPLOYER_POLICY,
                    headerValue: authHeader,
                    awsRegion: region,
                    awsStsEndpoint: `https://sts.${region}.amazonaws.com`,
                },
            };
        }
        this.provider = new vault.Provider(
            `${name}-provider`,
            {
                address: config.address,
                caCertFile,
                skipTlsVerify: false,
                // Child tokens the provider creates live 20 minutes: long enough for an apply, no longer.
                maxLeaseTtlSeconds: 1200,
                ...login,
            },
            { parent: this, dependsOn: [this.bootstrap] },
        );

        this.registerOutputs({ namespace: this.namespace, address: this.address, recoverySecretArn });
    }
}

/** The Vault provider reads its CA from a file; the CA is public, so a file in the temp directory will do. */
function writeCaFile(stack: string, pem: string): string {
    const path = join(tmpdir(), `secure-platform-${stack}-vault-ca.pem`);
    writeFileSync(path, pem, { mode: 0o644 });
    return path;
}
