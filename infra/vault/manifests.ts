// Kubernetes objects of the Vault component as plain manifests: the TLS, bootstrap, unseal and snapshot
// jobs with their accounts and RBAC, and the NetworkPolicies between application namespaces and Vault.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { MANAGED_BY, namespaceIsolation } from "../namespaces/baseline";
import { WORKLOAD_LABEL } from "../services/graph";
import { VAULT_AUDIENCE } from "./policies";
import { CA_KEYPAIR_SECRET, TLS_RENEW_CRONJOB } from "./tls";
import { CA_CONFIGMAP, RELEASE_NAME, SERVER_POD_LABELS, TLS_SECRET, VAULT_PORT, CLUSTER_PORT } from "./values";

type Manifest<T> = T & { apiVersion: string; kind: string };
type PodSpec = k8s.types.input.core.v1.PodSpec;

const LABELS = { ...MANAGED_BY, "app.kubernetes.io/part-of": "vault" };

export const JOB_NAMES = {
    tls: "vault-tls",
    tlsRenew: TLS_RENEW_CRONJOB,
    bootstrap: "vault-bootstrap",
    unseal: "vault-unseal-insecure-local",
    snapshot: "vault-snapshot",
    configure: "vault-configure",
} as const;

export function serviceAccount(
    name: string,
    namespace: string,
    annotations: Record<string, unknown> = {},
): Manifest<k8s.types.input.core.v1.ServiceAccount> {
    return {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name, namespace, labels: LABELS, annotations: annotations as Record<string, string> },
        // Pods that need an API token mount it explicitly; the others get none.
        automountServiceAccountToken: false,
    };
}

export interface RoleRule {
    resources: string[];
    verbs: string[];
    resourceNames?: string[];
}

/** A namespaced Role and its binding to one service account: only the objects a job writes. */
export function roleFor(
    name: string,
    namespace: string,
    rules: RoleRule[],
): [Manifest<k8s.types.input.rbac.v1.Role>, Manifest<k8s.types.input.rbac.v1.RoleBinding>] {
    return [
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { name, namespace, labels: LABELS },
            rules: rules.map((rule) => ({ apiGroups: [""], ...rule })),
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name, namespace, labels: LABELS },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
            subjects: [{ kind: "ServiceAccount", name, namespace }],
        },
    ];
}

/** RBAC of the TLS jobs: create the CA and server Secrets and the bundle once, then read and renew only those. */
export const TLS_RBAC: RoleRule[] = [
    // Kubernetes cannot limit create to a name; the jobs create exactly these three objects.
    { resources: ["secrets", "configmaps"], verbs: ["create"] },
    { resources: ["secrets"], verbs: ["get", "patch"], resourceNames: [TLS_SECRET, CA_KEYPAIR_SECRET] },
    { resources: ["configmaps"], verbs: ["get", "patch"], resourceNames: [CA_CONFIGMAP] },
];

/** In a client namespace, the TLS jobs (in Vault's namespace) publish the CA bundle, and touch nothing else. */
export function bundlePublisherRbac(
    clientNamespace: string,
    vaultNamespace: string,
): [Manifest<k8s.types.input.rbac.v1.Role>, Manifest<k8s.types.input.rbac.v1.RoleBinding>] {
    const name = "vault-ca-publisher";
    return [
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { name, namespace: clientNamespace, labels: LABELS },
            rules: [
                { apiGroups: [""], resources: ["configmaps"], verbs: ["create"] },
                { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "patch"], resourceNames: [CA_CONFIGMAP] },
            ],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name, namespace: clientNamespace, labels: LABELS },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
            subjects: [{ kind: "ServiceAccount", name: JOB_NAMES.tls, namespace: vaultNamespace }],
        },
    ];
}

/** Where the bootstrap job records how far it got; a rerun that finds Vault initialised but not complete fails. */
export const BOOTSTRAP_STATE_CONFIGMAP = "vault-bootstrap-state";

/** RBAC of the bootstrap job: its progress ConfigMap and, on kind, the local-only Secret with the unseal key. */
export function bootstrapRbac(local: boolean): RoleRule[] {
    return [
        // Kubernetes cannot limit create to a name; the job creates exactly this ConfigMap (and on kind one Secret).
        { resources: local ? ["configmaps", "secrets"] : ["configmaps"], verbs: ["create"] },
        { resources: ["configmaps"], verbs: ["get", "patch"], resourceNames: [BOOTSTRAP_STATE_CONFIGMAP] },
    ];
}

const CONTAINER_SECURITY = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 65534,
    runAsGroup: 65534,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

export interface JobPodArgs {
    serviceAccount: string;
    image: string;
    script: string;
    env: Record<string, pulumi.Input<string> | undefined>;
    /** Mount the API token (kubectl needs it). */
    kubernetesApi: boolean;
    /** A projected token with Vault's audience, for Kubernetes auth logins. */
    vaultToken?: boolean;
    extraVolumes?: { volume: k8s.types.input.core.v1.Volume; mountPath: string; readOnly: boolean }[];
    withCa?: boolean;
}

/** The pod of every Vault job: restricted, read-only root, credentials only in a memory-backed /work. */
export function jobPodSpec(args: JobPodArgs): PodSpec {
    const volumes: k8s.types.input.core.v1.Volume[] = [{ name: "work", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }];
    const mounts: k8s.types.input.core.v1.VolumeMount[] = [{ name: "work", mountPath: "/work" }];
    if (args.withCa !== false) {
        volumes.push({ name: "vault-ca", configMap: { name: CA_CONFIGMAP, items: [{ key: "ca.crt", path: "ca.crt" }] } });
        mounts.push({ name: "vault-ca", mountPath: "/vault-ca", readOnly: true });
    }
    if (args.vaultToken) {
        volumes.push({
            name: "vault-token",
            projected: { sources: [{ serviceAccountToken: { audience: VAULT_AUDIENCE, expirationSeconds: 600, path: "token" } }] },
        });
        mounts.push({ name: "vault-token", mountPath: "/var/run/secrets/vault", readOnly: true });
    }
    for (const extra of args.extraVolumes ?? []) {
        volumes.push(extra.volume);
        mounts.push({ name: extra.volume.name as string, mountPath: extra.mountPath, readOnly: extra.readOnly });
    }
    const variables: Record<string, pulumi.Input<string> | undefined> = { HOME: "/work", ...args.env };
    const env = Object.entries(variables)
        .filter((entry): entry is [string, pulumi.Input<string>] => entry[1] !== undefined)
        .map(([name, value]) => ({ name, value }));
    return {
        serviceAccountName: args.serviceAccount,
        automountServiceAccountToken: args.kubernetesApi,
        restartPolicy: "Never",
        securityContext: {
            runAsNonRoot: true,
            runAsUser: 65534,
            runAsGroup: 65534,
            fsGroup: 65534,
            seccompProfile: { type: "RuntimeDefault" },
        },
        containers: [
            {
                name: "run",
                image: args.image,
                imagePullPolicy: "IfNotPresent",
                command: ["/bin/sh", "-c", args.script],
                env,
                securityContext: CONTAINER_SECURITY,
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                volumeMounts: mounts,
            },
        ],
        volumes,
    };
}

const podMetadata = (name: string) => ({
    labels: { ...LABELS, "app.kubernetes.io/name": name, "sidecar.istio.io/inject": "false" },
    // Jobs that must finish cannot wait on a sidecar that never exits.
    annotations: { "sidecar.istio.io/inject": "false" },
});

/** `activeDeadlineSeconds` "none": no deadline (the bootstrap job must not be killed while it holds the only copy of the init response). */
export function job(
    name: string,
    namespace: string,
    pod: PodSpec,
    activeDeadlineSeconds: number | "none" = 900,
): Manifest<k8s.types.input.batch.v1.Job> {
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        // A Job that failed is replaced at the next `up` instead of being waited on forever (the provider's
        // documented annotation); a changed template is replaced anyway, since it is immutable.
        metadata: { name, namespace, labels: LABELS, annotations: { "pulumi.com/replaceUnready": "true" } },
        spec: {
            backoffLimit: 4,
            ...(activeDeadlineSeconds === "none" ? {} : { activeDeadlineSeconds }),
            template: { metadata: podMetadata(name), spec: pod },
        },
    };
}

export function cronJob(
    name: string,
    namespace: string,
    schedule: string,
    pod: PodSpec,
    backoffLimit = 2,
): Manifest<k8s.types.input.batch.v1.CronJob> {
    return {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name, namespace, labels: LABELS },
        spec: {
            schedule,
            timeZone: "Etc/UTC",
            concurrencyPolicy: "Forbid",
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
            jobTemplate: {
                spec: {
                    backoffLimit,
                    activeDeadlineSeconds: 1800,
                    ttlSecondsAfterFinished: 86400,
                    template: { metadata: podMetadata(name), spec: pod },
                },
            },
        },
    };
}

/** EKS Pod Identity's agent: every node answers on these link-local addresses (docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html). */
export const POD_IDENTITY_AGENT = ["169.254.170.23/32", "fd00:ec2::23/128"];

/** An application namespace's services that declared a `vault:` block; their pods carry WORKLOAD_LABEL=<service>. */
export interface VaultClients {
    namespace: string;
    workloads: string[];
}

const workloadSelector = (workloads: string[]) => ({
    matchExpressions: [{ key: WORKLOAD_LABEL, operator: "In", values: [...workloads].sort() }],
});

/** The pods of the services that declared Vault may reach its API, and nothing else of the vault namespace. */
export function vaultEgressPolicy(clients: VaultClients, vaultNamespace: string): Manifest<k8s.types.input.networking.v1.NetworkPolicy> {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "allow-vault-egress", namespace: clients.namespace, labels: MANAGED_BY },
        spec: {
            podSelector: workloadSelector(clients.workloads),
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [
                        {
                            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": vaultNamespace } },
                            podSelector: { matchLabels: { ...SERVER_POD_LABELS, "app.kubernetes.io/instance": RELEASE_NAME } },
                        },
                    ],
                    ports: [{ protocol: "TCP", port: VAULT_PORT }],
                },
            ],
        },
    };
}

/**
 * Who reaches the Vault servers: each other and the vault namespace's jobs (API and Raft ports), and the pods
 * of the services that declared Vault (API only). Everything else is dropped.
 */
export function vaultIngressPolicy(vaultNamespace: string, clients: VaultClients[]): Manifest<k8s.types.input.networking.v1.NetworkPolicy> {
    const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [
        {
            from: [{ podSelector: {} }],
            ports: [
                { protocol: "TCP", port: VAULT_PORT },
                { protocol: "TCP", port: CLUSTER_PORT },
            ],
        },
    ];
    if (clients.length > 0) {
        ingress.push({
            from: [...clients]
                .sort((a, b) => a.namespace.localeCompare(b.namespace))
                .map((client) => ({
                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": client.namespace } },
                    podSelector: workloadSelector(client.workloads),
                })),
            ports: [{ protocol: "TCP", port: VAULT_PORT }],
        });
    }
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "vault-server-ingress", namespace: vaultNamespace, labels: MANAGED_BY },
        spec: {
            podSelector: { matchLabels: { ...SERVER_POD_LABELS, "app.kubernetes.io/instance": RELEASE_NAME } },
            policyTypes: ["Ingress"],
            ingress,
        },
    };
}

/**
 * The vault namespace itself is default-deny like an application namespace; its pods may resolve names,
 * reach the Vault servers (API and Raft) and the Kubernetes API (on EKS 443 inside the VPC, where the
 * control plane's interfaces are; on an existing cluster 6443, the API server's port after the service's
 * translation). The pods with AWS roles also reach AWS's public endpoints (KMS, STS, Secrets Manager, S3)
 * on 443 and no private address on it; the servers also reach the configured database's port.
 */
export function vaultNamespaceIsolation(
    vaultNamespace: string,
    databasePort?: number,
    awsCredentials = false,
    network: VaultNetwork = {},
): Record<string, Manifest<k8s.types.input.networking.v1.NetworkPolicy>> {
    const servers = { podSelector: { matchLabels: { ...SERVER_POD_LABELS, "app.kubernetes.io/instance": RELEASE_NAME } } };
    // EKS Pod Identity: the SDK in the servers (KMS seal), the bootstrap job and the snapshot job fetch their
    // role's credentials from the node's agent on link-local addresses, IPv4 and IPv6, over plain HTTP.
    const credentials: Record<string, Manifest<k8s.types.input.networking.v1.NetworkPolicy>> = !awsCredentials
        ? {}
        : {
              "pod-identity-egress": {
                  apiVersion: "networking.k8s.io/v1",
                  kind: "NetworkPolicy",
                  metadata: { name: "vault-pod-identity-egress", namespace: vaultNamespace, labels: MANAGED_BY },
                  spec: {
                      podSelector: AWS_PODS,
                      policyTypes: ["Egress"],
                      egress: [{ to: POD_IDENTITY_AGENT.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 80 }] }],
                  },
              },
          };
    // The database secrets engine: the servers connect to PostgreSQL (an address outside the cluster on
    // EKS, a service inside on kind; a NetworkPolicy cannot name a host, so the port is what is allowed).
    const database: Record<string, Manifest<k8s.types.input.networking.v1.NetworkPolicy>> = databasePort === undefined
        ? {}
        : {
              "database-egress": {
                  apiVersion: "networking.k8s.io/v1",
                  kind: "NetworkPolicy",
                  metadata: { name: "vault-database-egress", namespace: vaultNamespace, labels: MANAGED_BY },
                  spec: {
                      podSelector: servers.podSelector,
                      policyTypes: ["Egress"],
                      egress: [
                          {
                              to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { namespaceSelector: {} }],
                              ports: [{ protocol: "TCP", port: databasePort }],
                          },
                      ],
                  } as k8s.types.input.networking.v1.NetworkPolicySpec,
              },
          };
    const awsApis: Record<string, Manifest<k8s.types.input.networking.v1.NetworkPolicy>> = !network.aws
        ? {}
        : {
              "aws-egress": {
                  apiVersion: "networking.k8s.io/v1",
                  kind: "NetworkPolicy",
                  metadata: { name: "vault-aws-egress", namespace: vaultNamespace, labels: MANAGED_BY },
                  spec: {
                      podSelector: AWS_PODS,
                      policyTypes: ["Egress"],
                      // A NetworkPolicy cannot name KMS or S3, and their public ranges are thousands of prefixes: public
                      // addresses on 443, nothing private. VPC interface endpoints would narrow this to the VPC.
                      egress: [
                          { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }], ports: [{ protocol: "TCP", port: 443 }] },
                      ],
                  },
              },
          };
    const apiServer = network.apiServerCidrs
        ? { to: network.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 443 }] }
        : { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 6443 }] };
    const [defaultDeny, dns] = namespaceIsolation(vaultNamespace);
    return {
        ...database,
        ...credentials,
        ...awsApis,
        "default-deny": defaultDeny!,
        "dns-egress": dns!,
        "namespace-egress": {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "vault-namespace-egress", namespace: vaultNamespace, labels: MANAGED_BY },
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [servers],
                        ports: [
                            { protocol: "TCP", port: VAULT_PORT },
                            { protocol: "TCP", port: CLUSTER_PORT },
                        ],
                    },
                    apiServer,
                ],
            },
        },
    };
}

/** Where the Kubernetes API and AWS are, as far as a NetworkPolicy can say. */
export interface VaultNetwork {
    /** EKS: the VPC's range, where the control plane's interfaces (and any interface endpoints) are. Else: unknown. */
    apiServerCidrs?: string[];
    /** The pods with AWS roles reach AWS's public endpoints (through the NAT gateways). */
    aws?: boolean;
}

/** Addresses that are never an AWS public endpoint: 443 to these is not "AWS" (RFC 1918, shared, link-local). */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];

/** Pods of the vault namespace that have AWS roles: the servers (KMS seal), the bootstrap and snapshot jobs. */
const AWS_PODS = {
    matchExpressions: [
        {
            key: "app.kubernetes.io/name",
            operator: "In",
            values: [SERVER_POD_LABELS["app.kubernetes.io/name"], JOB_NAMES.bootstrap, JOB_NAMES.snapshot].sort(),
        },
    ],
};

/** Local only: where snapshots go when there is no S3. */
export function snapshotVolumeClaim(
    namespace: string,
    size: string,
    storageClass?: string,
): Manifest<k8s.types.input.core.v1.PersistentVolumeClaim> {
    return {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "vault-snapshots", namespace, labels: LABELS },
        spec: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: size } },
            ...(storageClass ? { storageClassName: storageClass } : {}),
        },
    };
}
