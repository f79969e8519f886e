import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { dirname } from "node:path/posix";
import type { ServiceConfig } from "../services/config";
import type { VaultConfig } from "./config";
import { JOB_NAMES, cronJob, job, jobPodSpec, serviceAccount } from "./manifests";
import {
    MOUNTS,
    RECONCILER_ROLE,
    SNAPSHOT_ROLE,
    VAULT_AUDIENCE,
    reconcilerPolicyRules,
    renderPolicy,
    servicePolicyName,
    servicePolicyRules,
    snapshotPolicyRules,
    vaultName,
} from "./policies";
import { AUDIT_OWNER, RECONCILER_INPUTS, reconcileScript } from "./scripts";
import { RELEASE_NAME, VAULT_NAMESPACE, VAULT_PORT } from "./values";

/** The Kubernetes auth role of one workload, bound to exactly one account in one namespace. */
export interface ServiceRoleSpec {
    roleName: string;
    serviceAccount: string;
    namespace: string;
    policies: string[];
    ttlSeconds: number;
    maxTtlSeconds: number;
}

/** Services that use Vault, with the role each gets; pure, so tests check bindings and TTLs directly. */
export function serviceRoles(
    services: ServiceConfig[],
    config: Pick<VaultConfig, "tokenTtlSeconds" | "tokenMaxTtlSeconds">,
): ServiceRoleSpec[] {
    return services
        .filter((s) => s.vault)
        .map((service) => ({
            roleName: vaultName(service),
            serviceAccount: service.serviceAccount ?? service.name,
            namespace: service.namespace,
            policies: [servicePolicyName(service)],
            ttlSeconds: config.tokenTtlSeconds,
            maxTtlSeconds: config.tokenMaxTtlSeconds,
        }));
}

/** The snapshot job's role: ten-minute tokens that can read a Raft snapshot. */
export function snapshotRole(): ServiceRoleSpec {
    return {
        roleName: SNAPSHOT_ROLE,
        serviceAccount: JOB_NAMES.snapshot,
        namespace: VAULT_NAMESPACE,
        policies: [SNAPSHOT_ROLE],
        ttlSeconds: 600,
        maxTtlSeconds: 900,
    };
}

/** The reconciler's own role: sessions of ten minutes at most, enough for one run. */
export function reconcilerRole(): ServiceRoleSpec {
    return {
        roleName: RECONCILER_ROLE,
        serviceAccount: JOB_NAMES.configure,
        namespace: VAULT_NAMESPACE,
        policies: [RECONCILER_ROLE],
        ttlSeconds: 300,
        maxTtlSeconds: 600,
    };
}

/** PostgreSQL statements for a dynamic user: it logs in until its lease ends and inherits the service's group role. */
export function dynamicUserStatements(service: Pick<ServiceConfig, "name" | "namespace">): { creation: string[]; revocation: string[] } {
    const group = `"${vaultName(service)}"`;
    return {
        creation: [
            `CREATE ROLE "{{name}}" WITH LOGIN INHERIT PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
            `GRANT ${group} TO "{{name}}";`,
        ],
        revocation: [`REASSIGN OWNED BY "{{name}}" TO ${group};`, `DROP OWNED BY "{{name}}";`, `DROP ROLE IF EXISTS "{{name}}";`],
    };
}

/** A Vault write the reconciler makes when what Vault returns (its `read` path, default `path`) differs from `body`. */
export interface DesiredWrite {
    path: string;
    body: Record<string, unknown>;
    read?: string;
    /** Vault cannot change it in place (a Transit key's type): a difference fails the run instead of being written. */
    immutable?: boolean;
}

/** Objects the platform owns under a list path: any name with the prefix that is not kept is deleted. */
export interface DesiredPrune {
    list: string;
    prefix: string;
    keep: string[];
    /** False where deletion is refused (Transit keys in staging and prod): the reconciler reports and keeps them. */
    deletionAllowed: boolean;
}

export interface DesiredAudit {
    path: string;
    type: string;
    description: string;
    options: Record<string, string>;
}

/**
 * Vault's configuration as data (never a secret): the reconciler Job reads it from a ConfigMap and makes
 * Vault match it. Order within each list is the order of the writes.
 */
export interface DesiredState {
    /** The reconciler's own login, written by the bootstrap job once and by the reconciler at every run. */
    reconciler: { policy: string; role: Record<string, unknown>; authConfig: Record<string, unknown> };
    audit: DesiredAudit[];
    mounts: { path: string; type: string; description: string; options: Record<string, string> }[];
    writes: DesiredWrite[];
    database?: {
        connection: { name: string; body: Record<string, unknown> };
        writes: DesiredWrite[];
    };
    prune: DesiredPrune[];
}

const roleBody = (spec: ServiceRoleSpec): Record<string, unknown> => ({
    bound_service_account_names: [spec.serviceAccount],
    bound_service_account_namespaces: [spec.namespace],
    audience: VAULT_AUDIENCE,
    token_policies: spec.policies,
    token_no_default_policy: true,
    token_ttl: spec.ttlSeconds,
    token_max_ttl: spec.maxTtlSeconds,
    token_type: "service",
});

/** Pure: what Vault must hold for this config and these services. */
export function desiredState(args: { config: VaultConfig; services: ServiceConfig[]; protect: boolean }): DesiredState {
    const { config } = args;
    const services = args.services.filter((s) => s.vault);
    // Two audit devices: Vault refuses requests only when every device fails, and each copy has a use.
    const audit: DesiredAudit[] = [
        {
            path: "file",
            type: "file",
            description: `${AUDIT_OWNER} audit log on the audit volume, kept with the pod's storage`,
            options: { file_path: "/vault/audit/vault-audit.log", mode: "0600", log_raw: "false" },
        },
        {
            path: "stdout",
            type: "file",
            description: `${AUDIT_OWNER} audit log to the container's stdout, shipped by the cluster's log pipeline`,
            options: { file_path: "stdout", log_raw: "false" },
        },
    ];
    const db = config.database;
    const databaseServices = db ? services.filter((s) => s.vault?.database) : [];
    const transitDeletion = !args.protect;
    const policy = renderPolicy(
        reconcilerPolicyRules({ auditPaths: audit.map((a) => a.path), database: db !== undefined, transitDeletion }),
    );

    const roles = [...serviceRoles(services, config), snapshotRole()];
    const policies = [
        ...services.map((s) => ({ name: servicePolicyName(s), policy: renderPolicy(servicePolicyRules(s)) })),
        { name: SNAPSHOT_ROLE, policy: renderPolicy(snapshotPolicyRules()) },
    ];
    const transitServices = services.filter((s) => s.vault?.transit);
    const writes: DesiredWrite[] = [
        // KV v2: versions kept and check-and-set required, so a stale writer cannot overwrite silently.
        { path: `${MOUNTS.kv}/config`, body: { max_versions: config.kv.maxVersions, cas_required: config.kv.casRequired } },
        ...policies.map((p) => ({ path: `sys/policies/acl/${p.name}`, body: { policy: p.policy } })),
        ...roles.map((spec) => ({ path: `auth/${MOUNTS.kubernetesAuth}/role/${spec.roleName}`, body: roleBody(spec) })),
        ...transitServices.flatMap((service): DesiredWrite[] => {
            const key = `${MOUNTS.transit}/keys/${vaultName(service)}`;
            return [
                { path: key, body: { type: config.transit.keyType }, immutable: true },
                {
                    path: `${key}/config`,
                    read: key,
                    body: {
                        auto_rotate_period: config.transit.autoRotateDays * 86400,
                        exportable: false,
                        allow_plaintext_backup: false,
                        // Outside staging and prod a key may be deleted, so a re-created stack starts clean.
                        deletion_allowed: transitDeletion,
                    },
                },
            ];
        }),
    ];
    const prune: DesiredPrune[] = [
        {
            list: `auth/${MOUNTS.kubernetesAuth}/role`,
            prefix: "",
            keep: [RECONCILER_ROLE, ...roles.map((r) => r.roleName)],
            deletionAllowed: true,
        },
        { list: "sys/policies/acl", prefix: "service.", keep: policies.map((p) => p.name), deletionAllowed: true },
        {
            list: `${MOUNTS.transit}/keys`,
            prefix: "",
            keep: transitServices.map(vaultName),
            deletionAllowed: transitDeletion,
        },
    ];

    let database: DesiredState["database"];
    if (db && databaseServices.length > 0) {
        const dynamic = databaseServices.filter((s) => s.vault?.database?.dynamic);
        const statics = databaseServices.filter((s) => s.vault?.database?.staticUsername);
        database = {
            connection: {
                name: "postgres",
                // The password is not here: the reconciler sends it from a Secret when it creates the connection, then
                // Vault rotates it (rotate-root) so that only Vault knows it; later writes leave it alone.
                body: {
                    plugin_name: "postgresql-database-plugin",
                    connection_url: `postgresql://{{username}}:{{password}}@${db.host}:${db.port}/${db.database}?sslmode=${db.sslMode}`,
                    username: db.username,
                    password_authentication: "scram-sha-256",
                    allowed_roles: [...new Set(databaseServices.map(vaultName))].sort(),
                    verify_connection: true,
                    root_rotation_statements: [`ALTER ROLE "{{name}}" WITH PASSWORD '{{password}}';`],
                },
            },
            writes: [
                ...dynamic.map((service) => {
                    const statements = dynamicUserStatements(service);
                    return {
                        path: `${MOUNTS.database}/roles/${vaultName(service)}`,
                        body: {
                            db_name: "postgres",
                            creation_statements: statements.creation,
                            revocation_statements: statements.revocation,
                            default_ttl: db.dynamicTtlSeconds,
                            max_ttl: db.dynamicMaxTtlSeconds,
                        },
                    };
                }),
                ...statics.map((service) => ({
                    path: `${MOUNTS.database}/static-roles/${vaultName(service)}`,
                    body: {
                        db_name: "postgres",
                        username: service.vault!.database!.staticUsername!,
                        rotation_period: db.staticRotationPeriodSeconds,
                    },
                })),
            ],
        };
        prune.push(
            { list: `${MOUNTS.database}/roles`, prefix: "", keep: dynamic.map(vaultName), deletionAllowed: true },
            { list: `${MOUNTS.database}/static-roles`, prefix: "", keep: statics.map(vaultName), deletionAllowed: true },
        );
    }

    return {
        reconciler: {
            policy,
            role: roleBody(reconcilerRole()),
            // In-cluster: Vault reviews tokens with its own service account token (no reviewer JWT).
            authConfig: { kubernetes_host: "https://kubernetes.default.svc:443", disable_local_ca_jwt: false },
        },
        audit,
        mounts: [
            { path: MOUNTS.kv, type: "kv", description: "service secrets, one tree per namespace/service", options: { version: "2" } },
            { path: MOUNTS.transit, type: "transit", description: "encryption as a service, one key per service", options: {} },
            ...(db ? [{ path: MOUNTS.database, type: "database", description: "PostgreSQL credentials", options: {} }] : []),
        ],
        writes,
        ...(database ? { database } : {}),
        prune,
    };
}

/** The desired state as the ConfigMap holds it, and the short hash that names the Job which applies it. */
export function desiredStateDocument(state: DesiredState, script: string): { json: string; hash: string } {
    const json = `${JSON.stringify(state, null, 2)}\n`;
    return { json, hash: createHash("sha256").update(json).update(script).digest("hex").slice(0, 10) };
}

export interface VaultConfigurationArgs {
    config: VaultConfig;
    desired: DesiredState;
    toolsImage: string;
    /** Resources the first run needs: the bootstrap Job (the reconciler's login exists after it). */
    dependsOn: pulumi.Resource[];
}

/**
 * Vault's configuration without a Vault provider: the desired state is a ConfigMap, and a Job named after
 * its hash logs in with Kubernetes auth over the in-cluster TLS service and makes Vault match it (creates,
 * updates, prunes what the platform owns). An hourly CronJob runs the same pod, so changes made by hand
 * are reverted without waiting for a deploy. `pulumi preview` shows the ConfigMap's diff.
 */
export class VaultConfiguration extends pulumi.ComponentResource {
    readonly job: k8s.batch.v1.Job;

    constructor(name: string, args: VaultConfigurationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:vault:VaultConfiguration", name, {}, opts);
        const ns = VAULT_NAMESPACE;
        const parent = { parent: this, dependsOn: args.dependsOn };
        const script = reconcileScript();
        const document = desiredStateDocument(args.desired, script);

        const account = new k8s.core.v1.ServiceAccount(`${name}-account`, serviceAccount(JOB_NAMES.configure, ns), parent);
        const desired = new k8s.core.v1.ConfigMap(
            `${name}-desired`,
            {
                metadata: { name: "vault-desired-state", namespace: ns, labels: { "app.kubernetes.io/part-of": "vault" } },
                data: { "desired.json": document.json },
            },
            parent,
        );
        const volumes: NonNullable<Parameters<typeof jobPodSpec>[0]["extraVolumes"]> = [
            {
                volume: {
                    name: "desired",
                    configMap: { name: "vault-desired-state", items: [{ key: "desired.json", path: "desired.json" }] },
                },
                mountPath: dirname(RECONCILER_INPUTS.desired),
                readOnly: true,
            },
        ];
        const deps: pulumi.Resource[] = [account, desired];
        if (args.config.database && args.desired.database) {
            // Sent to Vault only when the connection is created; Vault then rotates it so that only Vault knows it.
            deps.push(
                new k8s.core.v1.Secret(
                    `${name}-database`,
                    {
                        metadata: { name: "vault-database-admin", namespace: ns, labels: { "app.kubernetes.io/part-of": "vault" } },
                        type: "Opaque",
                        stringData: { password: pulumi.secret(args.config.database.password) },
                    },
                    parent,
                ),
            );
            volumes.push({
                volume: {
                    name: "database",
                    secret: { secretName: "vault-database-admin", items: [{ key: "password", path: "password" }] },
                },
                mountPath: dirname(RECONCILER_INPUTS.databasePassword),
                readOnly: true,
            });
        }
        // The deploy's run applies changes; the hourly run fails when it finds any (a change made outside a deploy).
        const pod = (reportDrift: boolean) =>
            jobPodSpec({
                serviceAccount: JOB_NAMES.configure,
                image: args.toolsImage,
                script,
                env: {
                    VAULT_ADDR: `https://${RELEASE_NAME}-active.${ns}.svc:${VAULT_PORT}`,
                    VAULT_ROLE: RECONCILER_ROLE,
                    REPORT_DRIFT: String(reportDrift),
                },
                kubernetesApi: false,
                vaultToken: true,
                extraVolumes: volumes,
            });
        // A new desired state is a new Job name: Pulumi replaces the Job, which runs once more.
        this.job = new k8s.batch.v1.Job(`${name}-reconcile`, job(`${JOB_NAMES.configure}-${document.hash}`, ns, pod(false), 900), {
            parent: this,
            dependsOn: [...args.dependsOn, ...deps],
            customTimeouts: { create: "20m", update: "20m" },
        });
        // No retry: a second attempt would find nothing left to correct and hide the first one's finding.
        new k8s.batch.v1.CronJob(`${name}-drift`, cronJob(JOB_NAMES.configure, ns, "17 * * * *", pod(true), 0), {
            parent: this,
            dependsOn: [this.job],
        });
        this.registerOutputs({ job: this.job.metadata.name });
    }
}
