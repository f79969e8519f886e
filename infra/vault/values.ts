// Vault's server configuration and Helm values as pure functions of config, tested without mocks.
import { quantityValue } from "../lib/quantity";
import type { VaultConfig } from "./config";
import { TLS_LIFETIMES, TLS_RENEW_CRONJOB, auditRotation, reloaderScript } from "./tls";

export const VAULT_NAMESPACE = "vault";
export const RELEASE_NAME = "vault";
/** The chart names the server's service account after the release. */
export const SERVER_SERVICE_ACCOUNT = RELEASE_NAME;
export const TLS_SECRET = "vault-tls";
export const CA_CONFIGMAP = "vault-ca";
export const TLS_DIR = "/vault/userconfig/vault-tls";
export const AUDIT_DIR = "/vault/audit";
/** The file audit device's path (vault-configuration.ts); the reloader rotates it. */
export const AUDIT_LOG = `${AUDIT_DIR}/vault-audit.log`;
export const VAULT_PORT = 8200;
export const CLUSTER_PORT = 8201;
/** Labels the chart puts on server pods. */
export const SERVER_POD_LABELS = { "app.kubernetes.io/name": "vault", component: "server" };

/** What other components (monitoring) need to know of Vault's servers, declared once here where Vault owns it. */
export interface VaultServerFacts {
    namespace: string;
    /** The ConfigMap the TLS job publishes with the CA of the listener's certificate. */
    caConfigMap: { name: string; key: string };
    serverPodLabels: Record<string, string>;
    /** The chart's headless service, one endpoint per server pod. */
    internalServiceLabels: Record<string, string>;
    /** The name the listener's certificate is issued for. */
    serverName: string;
    port: number;
    /** The CronJob that renews the listener's certificate, and how long before its end it renews. */
    tlsRenewal: { cronJob: string; renewBeforeDays: number };
}

export const VAULT_SERVER_FACTS: VaultServerFacts = {
    namespace: VAULT_NAMESPACE,
    caConfigMap: { name: CA_CONFIGMAP, key: "ca.crt" },
    serverPodLabels: SERVER_POD_LABELS,
    internalServiceLabels: { "app.kubernetes.io/name": SERVER_POD_LABELS["app.kubernetes.io/name"], "vault-internal": "true" },
    serverName: `${RELEASE_NAME}.${VAULT_NAMESPACE}.svc`,
    port: VAULT_PORT,
    tlsRenewal: { cronJob: TLS_RENEW_CRONJOB, renewBeforeDays: TLS_LIFETIMES.serverRenewBeforeDays },
};

/**
 * Ready means unsealed and part of the cluster: active 200, standby 200 (standbyok), sealed 503, not yet
 * initialised or joined 501. The disruption budget counts only such pods, so a drain never takes a voter
 * away while another is sealed. Helm does not wait on it (the release skips the await, see vault-server.ts).
 */
export const READINESS_PATH = "/v1/sys/health?standbyok=true";
/** Liveness tolerates sealed and uninitialised pods: a restart would not unseal or initialise them. */
export const LIVENESS_PATH = "/v1/sys/health?standbyok=true&sealedcode=204&uninitcode=204&perfstandbyok=true";

/** DNS names the server certificate covers: services, every pod of the headless service, and the port-forward. */
export function serverCertificateNames(namespace = VAULT_NAMESPACE): { dns: string[]; ips: string[] } {
    const services = [RELEASE_NAME, `${RELEASE_NAME}-active`, `${RELEASE_NAME}-standby`];
    const dns = [
        ...services.flatMap((s) => [s, `${s}.${namespace}`, `${s}.${namespace}.svc`, `${s}.${namespace}.svc.cluster.local`]),
        `*.${RELEASE_NAME}-internal`,
        `*.${RELEASE_NAME}-internal.${namespace}.svc`,
        `*.${RELEASE_NAME}-internal.${namespace}.svc.cluster.local`,
        "localhost",
    ];
    return { dns, ips: ["127.0.0.1"] };
}

export interface ServerConfigArgs {
    unseal: VaultConfig["unseal"];
    region?: string;
    kmsKeyId?: string;
    namespace?: string;
}

/** The server's HCL: TLS listener, Raft with auto-join over TLS, the seal, Kubernetes service registration. */
export function serverConfig(args: ServerConfigArgs): string {
    const namespace = args.namespace ?? VAULT_NAMESPACE;
    const selector = Object.entries(SERVER_POD_LABELS)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
    const seal =
        args.unseal === "aws-kms"
            ? `
seal "awskms" {
  region     = "${args.region}"
  kms_key_id = "${args.kmsKeyId}"
}
`
            : "";
    return `ui = false
# Raft needs no mlock, and the restricted profile grants no IPC_LOCK.
disable_mlock = true

listener "tcp" {
  address         = "[::]:${VAULT_PORT}"
  cluster_address = "[::]:${CLUSTER_PORT}"
  tls_cert_file   = "${TLS_DIR}/tls.crt"
  tls_key_file    = "${TLS_DIR}/tls.key"
  tls_min_version = "tls12"
  # Prometheus scrapes /v1/sys/metrics without a token (a token would have to be renewed by hand);
  # NetworkPolicy admits only Prometheus and the declared Vault clients to this port, and the
  # endpoint serves telemetry, never secrets.
  telemetry {
    unauthenticated_metrics_access = true
  }
}

storage "raft" {
  path = "/vault/data"
  retry_join {
    auto_join             = "provider=k8s label_selector=\\"${selector}\\" namespace=\\"${namespace}\\""
    auto_join_scheme      = "https"
    leader_ca_cert_file   = "${TLS_DIR}/ca.crt"
    leader_tls_servername = "${RELEASE_NAME}-active.${namespace}.svc"
  }
}
${seal}
service_registration "kubernetes" {}

telemetry {
  prometheus_retention_time = "30s"
  disable_hostname          = true
}
`;
}

/** Pods spread one per zone where there are enough zones for every replica, else one per node. */
export function serverAffinity(replicas: number, zones: number): Record<string, unknown> {
    const term = (topologyKey: string) => ({
        labelSelector: { matchLabels: { ...SERVER_POD_LABELS, "app.kubernetes.io/instance": RELEASE_NAME } },
        topologyKey,
    });
    if (zones >= replicas && zones > 1) {
        return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term("topology.kubernetes.io/zone")] } };
    }
    return {
        podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [term("kubernetes.io/hostname")],
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term("topology.kubernetes.io/zone") }],
        },
    };
}

/** Raft keeps quorum while at most (n-1)/2 voters are away; the budget never allows more. */
export function maxUnavailable(replicas: number): number {
    return Math.max(1, Math.floor((replicas - 1) / 2));
}

export const RESTRICTED_POD_SECURITY = {
    runAsNonRoot: true,
    runAsUser: 100,
    runAsGroup: 1000,
    fsGroup: 1000,
    seccompProfile: { type: "RuntimeDefault" },
};

export const RESTRICTED_CONTAINER_SECURITY = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

export interface ValuesArgs {
    config: VaultConfig;
    zones: number;
    serverHcl: unknown;
    serviceAccountAnnotations: Record<string, unknown>;
    /** A protected stack keeps Vault's volumes when the release goes; elsewhere they go with it, so destroy leaves none. */
    protect: boolean;
}

/**
 * The chart writes the image as `<repository>:<tag>`. A tag (with or without a digest after it) goes in `tag`;
 * a digest alone is split at its own colon (`repo@sha256` and the hex), so the pod gets `repo@sha256:<hex>`.
 */
export function splitImage(reference: string): { repository: string; tag: string } {
    const [name, digest] = reference.split("@", 2) as [string, string | undefined];
    const colon = name.lastIndexOf(":");
    if (colon > name.lastIndexOf("/"))
        return { repository: name.slice(0, colon), tag: `${name.slice(colon + 1)}${digest ? `@${digest}` : ""}` };
    if (!digest) throw new Error(`secure-platform:vault.image: ${reference} pins neither a tag nor a digest`);
    const [algorithm, hex] = digest.split(":", 2) as [string, string];
    return { repository: `${name}@${algorithm}`, tag: hex };
}

/** Beside Vault: reloads a renewed certificate and rotates the audit log (both with SIGHUP); Vault's image, restricted. */
export function reloaderContainer(config: Pick<VaultConfig, "image" | "auditStorageSize">): Record<string, unknown> {
    const rotation = auditRotation(quantityValue(config.auditStorageSize));
    return {
        name: "reloader",
        image: config.image,
        imagePullPolicy: "IfNotPresent",
        command: ["/bin/sh", "-c", reloaderScript({ certificate: `${TLS_DIR}/tls.crt`, auditLog: AUDIT_LOG, ...rotation })],
        securityContext: RESTRICTED_CONTAINER_SECURITY,
        resources: { requests: { cpu: "5m", memory: "16Mi" }, limits: { cpu: "50m", memory: "32Mi" } },
        volumeMounts: [
            { name: "vault-tls", mountPath: TLS_DIR, readOnly: true },
            { name: "audit", mountPath: AUDIT_DIR },
        ],
    };
}

/**
 * Helm values for HashiCorp's chart. Every security-relevant value is set explicitly: CrossGuard and
 * reviewers see a Release's values, not the objects the chart renders from them.
 */
export function vaultValues(args: ValuesArgs): Record<string, unknown> {
    const { config } = args;
    const r = config.resources;
    const image = splitImage(config.image);
    return {
        global: { enabled: true, tlsDisable: false, serverTelemetry: { prometheusOperator: false } },
        // No agent injector: a webhook with failurePolicy Ignore starts pods without their secrets, one with Fail
        // stops every pod creation when it is down, and its init containers race the Istio sidecar.
        injector: { enabled: false },
        csi: { enabled: false },
        ui: { enabled: false },
        server: {
            enabled: true,
            image: { repository: image.repository, tag: image.tag, pullPolicy: "IfNotPresent" },
            updateStrategyType: "OnDelete",
            logFormat: "json",
            resources: { requests: { cpu: r.cpuRequest, memory: r.memoryRequest }, limits: { cpu: r.cpuLimit, memory: r.memoryLimit } },
            readinessProbe: { enabled: true, path: READINESS_PATH, port: VAULT_PORT },
            livenessProbe: {
                enabled: true,
                path: LIVENESS_PATH,
                port: VAULT_PORT,
                initialDelaySeconds: 60,
            },
            // Vault is outside the mesh: it terminates TLS itself, and a sidecar would hold Raft traffic hostage to istiod.
            annotations: { "sidecar.istio.io/inject": "false" },
            extraLabels: { "sidecar.istio.io/inject": "false" },
            // The reloader (tls.ts) signals Vault, so it must see Vault's process: same pod, same user, no privilege.
            shareProcessNamespace: true,
            extraContainers: [reloaderContainer(config)],
            extraEnvironmentVars: { VAULT_CACERT: `${TLS_DIR}/ca.crt`, VAULT_TLS_SERVER_NAME: `${RELEASE_NAME}.${VAULT_NAMESPACE}.svc` },
            volumes: [
                { name: "vault-tls", secret: { secretName: TLS_SECRET, defaultMode: 0o440 } },
                { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
            ],
            volumeMounts: [
                { name: "vault-tls", mountPath: TLS_DIR, readOnly: true },
                // The chart's entrypoint writes the rendered config to /tmp; the root filesystem stays read-only.
                { name: "tmp", mountPath: "/tmp" },
            ],
            affinity: serverAffinity(config.replicas, args.zones),
            dataStorage: {
                enabled: true,
                size: config.dataStorageSize,
                storageClass: config.storageClass ?? null,
                mountPath: "/vault/data",
            },
            auditStorage: {
                enabled: true,
                size: config.auditStorageSize,
                storageClass: config.storageClass ?? null,
                mountPath: AUDIT_DIR,
            },
            // Claims from a StatefulSet's templates outlive it unless told otherwise (GA in Kubernetes 1.32).
            persistentVolumeClaimRetentionPolicy: { whenDeleted: args.protect ? "Retain" : "Delete", whenScaled: "Retain" },
            standalone: { enabled: false },
            dev: { enabled: false },
            ha: {
                enabled: true,
                replicas: config.replicas,
                raft: { enabled: true, setNodeId: true, config: args.serverHcl },
                disruptionBudget: { enabled: true, maxUnavailable: maxUnavailable(config.replicas) },
            },
            authDelegator: { enabled: true },
            serviceAccount: {
                create: true,
                name: SERVER_SERVICE_ACCOUNT,
                createSecret: false,
                annotations: args.serviceAccountAnnotations,
                serviceDiscovery: { enabled: true },
            },
            statefulSet: { securityContext: { pod: RESTRICTED_POD_SECURITY, container: RESTRICTED_CONTAINER_SECURITY } },
            service: { enabled: true, type: "ClusterIP", active: { enabled: true }, standby: { enabled: true } },
            ingress: { enabled: false },
            route: { enabled: false },
            hostNetwork: false,
            networkPolicy: { enabled: false },
        },
    };
}
