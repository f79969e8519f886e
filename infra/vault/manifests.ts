// Kubernetes objects of the Vault component as plain manifests: the TLS, bootstrap, unseal and snapshot
// jobs with their accounts and RBAC, and the NetworkPolicies between application namespaces and Vault.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { MANAGED_BY, namespaceIsolation } from "../namespaces/baseline";
import { VAULT_AUDIENCE } from "./policies";
import { CA_CONFIGMAP, RELEASE_NAME, SERVER_POD_LABELS, TLS_SECRET, VAULT_PORT, CLUSTER_PORT } from "./values";

type Manifest<T> = T & { apiVersion: string; kind: string };
type PodSpec = k8s.types.input.core.v1.PodSpec;

const LABELS = { ...MANAGED_BY, "app.kubernetes.io/part-of": "vault" };

export const JOB_NAMES = {
    tls: "vault-tls",
    bootstrap: "vault-bootstrap",
    unseal: "vault-unseal-insecure-local",
    snapshot: "vault-snapshot",
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

/** RBAC of the TLS job: create the Secret and ConfigMap once, then read or refresh only those two. */
export const TLS_RBAC: RoleRule[] = [
    // Kubernetes cannot limit create to a name; the job creates exactly these two objects.
    { resources: ["secrets", "configmaps"], verbs: ["create"] },
    { resources: ["secrets"], verbs: ["get"], resourceNames: [TLS_SECRET] },
    { resources: ["configmaps"], verbs: ["get", "patch"], resourceNames: [CA_CONFIGMAP] },
];

/** RBAC of the bootstrap job on kind: it writes its two local-only Secrets, nothing else. */
export const LOCAL_BOOTSTRAP_RBAC: RoleRule[] = [{ resources: ["secrets"], verbs: ["create"] }];

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

export function job(name: string, namespace: string, pod: PodSpec, activeDeadlineSeconds = 900): Manifest<k8s.types.input.batch.v1.Job> {
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        // A Job that failed is replaced at the next `up` instead of being waited on forever (the provider's
        // documented annotation); a changed template is replaced anyway, since it is immutable.
        metadata: { name, namespace, labels: LABELS, annotations: { "pulumi.com/replaceUnready": "true" } },
        spec: {
            backoffLimit: 4,
            activeDeadlineSeconds,
            template: { metadata: podMetadata(name), spec: pod },
        },
    };
}

export function cronJob(name: string, namespace: string, schedule: string, pod: PodSpec): Manifest<k8s.types.input.batch.v1.CronJob> {
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
                    backoffLimit: 2,
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

/** Pods of an application namespace may reach Vault's API, and nothing else of the vault namespace. */
export function vaultEgressPolicy(namespace: string, vaultNamespace: string): Manifest<k8s.types.input.networking.v1.NetworkPolicy> {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "allow-vault-egress", namespace, labels: MANAGED_BY },
        spec: {
            podSelector: {},
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
 * Who reaches the Vault servers: each other and the vault namespace's jobs (API and Raft ports), and the
 * application namespaces whose services use Vault (API only). Everything else is dropped.
 */
export function vaultIngressPolicy(
    vaultNamespace: string,
    clientNamespaces: string[],
): Manifest<k8s.types.input.networking.v1.NetworkPolicy> {
    const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [
        {
            from: [{ podSelector: {} }],
            ports: [
                { protocol: "TCP", port: VAULT_PORT },
                { protocol: "TCP", port: CLUSTER_PORT },
            ],
        },
    ];
    if (clientNamespaces.length > 0) {
        ingress.push({
            from: [
                {
                    namespaceSelector: {
                        matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...clientNamespaces].sort() }],
                    },
                },
            ],
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
 * reach the Vault servers (API and Raft) and leave over HTTPS only: the Kubernetes API (443 on EKS, 6443
 * on kind) for the jobs and service registration, and AWS (KMS, STS, Secrets Manager, S3); the servers
 * also reach the configured database's port.
 */
export function vaultNamespaceIsolation(
    vaultNamespace: string,
    databasePort?: number,
    awsCredentials = false,
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
                      podSelector: {
                          matchExpressions: [
                              {
                                  key: "app.kubernetes.io/name",
                                  operator: "In",
                                  values: [SERVER_POD_LABELS["app.kubernetes.io/name"], JOB_NAMES.bootstrap, JOB_NAMES.snapshot].sort(),
                              },
                          ],
                      },
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
    const [defaultDeny, dns] = namespaceIsolation(vaultNamespace);
    return {
        ...database,
        ...credentials,
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
                    {
                        to: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
                        ports: [
                            { protocol: "TCP", port: 443 },
                            { protocol: "TCP", port: 6443 },
                        ],
                    },
                ],
            },
        },
    };
}

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
