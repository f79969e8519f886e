// The PostgreSQL that the local stack's Vault issues credentials for, on kind: built from the stack's own
// config (host, database, admin user, the services' roles), admitted by the platform's policies (Pod
// Security restricted, images from the local registry), and serving TLS only. Not part of `pulumi up`:
// Vault verifies the connection while it is configured, so the database must run first.
import type { PlatformConfig } from "../../infra/config";
import { MANAGED_BY, podSecurityLabels } from "../../infra/namespaces/baseline";
import { RELEASE_NAME, SERVER_POD_LABELS, VAULT_NAMESPACE } from "../../infra/vault/values";
import { dynamicUserStatements } from "../../infra/vault/vault-configuration";
import { vaultName } from "../../infra/vault/policies";

type Manifest = Record<string, unknown> & {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

/** The official image, pushed to kind's local registry (localhost:5001, which the local stack admits). */
// renovate: datasource=docker depName=docker.io/library/postgres
export const POSTGRES_IMAGE = "localhost:5001/postgres:17.6-alpine";
/** The Secret the README's command creates with the admin password (the same value as the stack's secret). */
export const ADMIN_SECRET = "postgres-admin";
/** The postgres user of the Alpine image. */
const POSTGRES_UID = 70;

const RESTRICTED_CONTAINER = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

/** `<service>.<namespace>.svc` as the stack names the host. */
function serviceOf(host: string): { name: string; namespace: string } {
    const match = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(host);
    if (!match)
        throw new Error(
            `secure-platform:vault.database.host: ${host} is not a service in the cluster; the local database needs <service>.<namespace>.svc, such as postgres.databases.svc`,
        );
    return { name: match[1]!, namespace: match[2]! };
}

/** The roles Vault expects: a NOLOGIN group role per service with dynamic credentials, a login per static user. */
export function rolesSql(config: PlatformConfig): string {
    const lines: string[] = [];
    for (const service of config.services.filter((s) => s.vault?.database)) {
        if (service.vault!.database!.dynamic) {
            // The group the dynamic users join (dynamicUserStatements grants it); the database administrator's part.
            const group = dynamicUserStatements(service).creation[1]!.replace(/^GRANT (".*") TO .*$/, "$1");
            lines.push(`CREATE ROLE ${group} NOLOGIN;`);
        }
        const user = service.vault!.database!.staticUsername;
        // Vault rotates the static user's password at once; the initial one is never used.
        if (user) lines.push(`CREATE ROLE "${user}" LOGIN PASSWORD NULL; -- static role ${vaultName(service)}`);
    }
    return `${lines.join("\n")}\n`;
}

/** Certificates and keys stay inside the pod: a self-signed server certificate, made by an init container. */
function tlsInit(host: string, service: { name: string; namespace: string }, toolsImage: string): Record<string, unknown> {
    const names = [host, service.name, `${service.name}.${service.namespace}`].map((n) => `DNS:${n}`).join(",");
    return {
        name: "tls",
        image: toolsImage,
        command: [
            "/bin/sh",
            "-ec",
            `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 -subj "/CN=${host}" ` +
                `-addext "subjectAltName=${names}" -keyout /tls/tls.key -out /tls/tls.crt && chmod 0600 /tls/tls.key`,
        ],
        securityContext: RESTRICTED_CONTAINER,
        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
        volumeMounts: [{ name: "tls", mountPath: "/tls" }],
    };
}

/** Namespace, configuration, claim, Deployment, Service and NetworkPolicies of the local database. */
export function localDatabaseManifests(config: PlatformConfig): Manifest[] {
    const db = config.vault.database;
    if (!db) throw new Error("secure-platform:vault.database is not configured in this stack: there is no database to start");
    const service = serviceOf(db.host);
    const ns = service.namespace;
    const labels = { ...MANAGED_BY, "app.kubernetes.io/name": service.name };
    const podSelector = { matchLabels: { "app.kubernetes.io/name": service.name } };
    return [
        {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: ns, labels: { ...MANAGED_BY, ...podSecurityLabels("restricted", config.cluster.kubernetesVersion) } },
        },
        {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: `${service.name}-config`, namespace: ns, labels },
            data: {
                // TCP connections only with TLS (hostssl); the image's init scripts use the pod's own socket.
                "pg_hba.conf": "local all all trust\nhostssl all all all scram-sha-256\nhost all all all reject\n",
                "roles.sql": rolesSql(config),
            },
        },
        {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name: `${service.name}-data`, namespace: ns, labels },
            // Kept across pod restarts: Vault rotates the admin password, which lives only in the data directory.
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: service.name, namespace: ns, labels },
            spec: {
                replicas: 1,
                strategy: { type: "Recreate" },
                selector: podSelector,
                template: {
                    metadata: { labels },
                    spec: {
                        automountServiceAccountToken: false,
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: POSTGRES_UID,
                            runAsGroup: POSTGRES_UID,
                            fsGroup: POSTGRES_UID,
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        initContainers: [tlsInit(db.host, service, config.vault.toolsImage)],
                        containers: [
                            {
                                name: "postgres",
                                image: POSTGRES_IMAGE,
                                // `kind load docker-image` puts it on the node; nothing is pulled from localhost:5001.
                                imagePullPolicy: "IfNotPresent",
                                args: [
                                    "-c",
                                    "ssl=on",
                                    "-c",
                                    "ssl_cert_file=/tls/tls.crt",
                                    "-c",
                                    "ssl_key_file=/tls/tls.key",
                                    "-c",
                                    "ssl_min_protocol_version=TLSv1.2",
                                    "-c",
                                    "hba_file=/config/pg_hba.conf",
                                    "-c",
                                    "password_encryption=scram-sha-256",
                                ],
                                env: [
                                    { name: "POSTGRES_USER", value: db.username },
                                    { name: "POSTGRES_DB", value: db.database },
                                    { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: ADMIN_SECRET, key: "password" } } },
                                    { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                                ],
                                ports: [{ name: "postgres", containerPort: db.port }],
                                readinessProbe: {
                                    exec: { command: ["pg_isready", "-U", db.username, "-d", db.database] },
                                    periodSeconds: 5,
                                },
                                securityContext: RESTRICTED_CONTAINER,
                                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
                                volumeMounts: [
                                    { name: "data", mountPath: "/var/lib/postgresql/data" },
                                    { name: "run", mountPath: "/var/run/postgresql" },
                                    { name: "tmp", mountPath: "/tmp" },
                                    { name: "tls", mountPath: "/tls", readOnly: true },
                                    { name: "config", mountPath: "/config", readOnly: true },
                                    {
                                        name: "config",
                                        mountPath: "/docker-entrypoint-initdb.d/roles.sql",
                                        subPath: "roles.sql",
                                        readOnly: true,
                                    },
                                ],
                            },
                        ],
                        volumes: [
                            { name: "data", persistentVolumeClaim: { claimName: `${service.name}-data` } },
                            { name: "run", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
                            { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                            { name: "tls", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
                            { name: "config", configMap: { name: `${service.name}-config` } },
                        ],
                    },
                },
            },
        },
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: service.name, namespace: ns, labels },
            spec: {
                type: "ClusterIP",
                selector: podSelector.matchLabels,
                ports: [{ name: "postgres", port: db.port, targetPort: db.port }],
            },
        },
        {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "default-deny-all", namespace: ns, labels: MANAGED_BY },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
        {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            // Only Vault's servers connect: they hold the admin login and hand out the services' credentials.
            metadata: { name: "allow-vault-ingress", namespace: ns, labels: MANAGED_BY },
            spec: {
                podSelector,
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [
                            {
                                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": VAULT_NAMESPACE } },
                                podSelector: { matchLabels: { ...SERVER_POD_LABELS, "app.kubernetes.io/instance": RELEASE_NAME } },
                            },
                        ],
                        ports: [{ protocol: "TCP", port: db.port }],
                    },
                ],
            },
        },
    ];
}
