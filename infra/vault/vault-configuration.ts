import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { ServiceConfig } from "../services/config";
import type { VaultConfig } from "./config";
import {
    MOUNTS,
    SNAPSHOT_ROLE,
    VAULT_AUDIENCE,
    renderPolicy,
    servicePolicyName,
    servicePolicyRules,
    snapshotPolicyRules,
    vaultName,
} from "./policies";
import { VAULT_NAMESPACE } from "./values";
import { JOB_NAMES } from "./manifests";

export interface VaultConfigurationArgs {
    config: VaultConfig;
    services: ServiceConfig[];
    provider: vault.Provider;
    protect: boolean;
}

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

/**
 * What Vault holds, managed through the deployer's login: audit devices, the Kubernetes auth method with
 * one role and one policy per service, KV v2, Transit keys that rotate, and the database engine.
 */
export class VaultConfiguration extends pulumi.ComponentResource {
    readonly roles: vault.kubernetes.AuthBackendRole[] = [];

    constructor(name: string, args: VaultConfigurationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:vault:VaultConfiguration", name, {}, opts);
        const { config } = args;
        const withVault = { parent: this, provider: args.provider };
        const kept = { ...withVault, protect: args.protect };
        const services = args.services.filter((s) => s.vault);

        // Two audit devices: Vault refuses requests only when every device fails, and each copy has a use.
        new vault.Audit(
            `${name}-audit-file`,
            {
                type: "file",
                path: "file",
                description: "audit log on the audit volume, kept with the pod's storage",
                options: { file_path: "/vault/audit/vault-audit.log", mode: "0600", log_raw: "false" },
            },
            withVault,
        );
        new vault.Audit(
            `${name}-audit-stdout`,
            {
                type: "file",
                path: "stdout",
                description: "audit log to the container's stdout, shipped by the cluster's log pipeline",
                options: { file_path: "stdout", log_raw: "false" },
            },
            withVault,
        );

        // Kubernetes auth, in-cluster: Vault reviews tokens with its own service account token (no reviewer JWT).
        const kubernetesAuth = new vault.AuthBackend(
            `${name}-kubernetes`,
            {
                type: "kubernetes",
                path: MOUNTS.kubernetesAuth,
                description: "service accounts of this cluster",
            },
            withVault,
        );
        const authConfig = new vault.kubernetes.AuthBackendConfig(
            `${name}-kubernetes`,
            {
                backend: kubernetesAuth.path,
                kubernetesHost: "https://kubernetes.default.svc:443",
                disableLocalCaJwt: false,
            },
            withVault,
        );

        const role = (spec: ServiceRoleSpec, dependsOn: pulumi.Resource[]) =>
            new vault.kubernetes.AuthBackendRole(
                `${name}-role-${spec.roleName}`,
                {
                    backend: kubernetesAuth.path,
                    roleName: spec.roleName,
                    boundServiceAccountNames: [spec.serviceAccount],
                    boundServiceAccountNamespaces: [spec.namespace],
                    audience: VAULT_AUDIENCE,
                    tokenPolicies: spec.policies,
                    tokenNoDefaultPolicy: true,
                    tokenTtl: spec.ttlSeconds,
                    tokenMaxTtl: spec.maxTtlSeconds,
                    tokenType: "service",
                },
                { ...withVault, dependsOn: [authConfig, ...dependsOn] },
            );

        const roleSpecs = new Map(serviceRoles(services, config).map((spec) => [spec.roleName, spec]));
        for (const service of services) {
            const policy = new vault.Policy(
                `${name}-policy-${vaultName(service)}`,
                {
                    name: servicePolicyName(service),
                    policy: renderPolicy(servicePolicyRules(service)),
                },
                withVault,
            );
            this.roles.push(role(roleSpecs.get(vaultName(service))!, [policy]));
        }
        const snapshotPolicy = new vault.Policy(
            `${name}-policy-${SNAPSHOT_ROLE}`,
            { name: SNAPSHOT_ROLE, policy: renderPolicy(snapshotPolicyRules()) },
            withVault,
        );
        this.roles.push(role(snapshotRole(), [snapshotPolicy]));

        // KV v2: versions kept and check-and-set required, so a stale writer cannot overwrite silently.
        const kv = new vault.Mount(
            `${name}-kv`,
            {
                path: MOUNTS.kv,
                type: "kv",
                options: { version: "2" },
                description: "service secrets, one tree per namespace/service",
            },
            kept,
        );
        new vault.kv.SecretBackendV2(
            `${name}-kv`,
            { mount: kv.path, maxVersions: config.kv.maxVersions, casRequired: config.kv.casRequired },
            withVault,
        );

        const transitServices = services.filter((s) => s.vault?.transit);
        if (transitServices.length > 0) {
            const transit = new vault.Mount(
                `${name}-transit`,
                { path: MOUNTS.transit, type: "transit", description: "encryption as a service, one key per service" },
                kept,
            );
            for (const service of transitServices) {
                new vault.transit.SecretBackendKey(
                    `${name}-transit-${vaultName(service)}`,
                    {
                        backend: transit.path,
                        name: vaultName(service),
                        type: config.transit.keyType,
                        autoRotatePeriod: config.transit.autoRotateDays * 86400,
                        exportable: false,
                        allowPlaintextBackup: false,
                        deletionAllowed: false,
                    },
                    kept,
                );
            }
        }

        const db = config.database;
        const databaseServices = services.filter((s) => s.vault?.database);
        if (db && databaseServices.length > 0) {
            const mount = new vault.Mount(
                `${name}-database`,
                { path: MOUNTS.database, type: "database", description: "PostgreSQL credentials" },
                withVault,
            );
            const dynamic = databaseServices.filter((s) => s.vault?.database?.dynamic);
            const statics = databaseServices.filter((s) => s.vault?.database?.staticUsername);
            const connectionName = "postgres";
            const connection = new vault.database.SecretBackendConnection(
                `${name}-postgres`,
                {
                    backend: mount.path,
                    name: connectionName,
                    allowedRoles: [...new Set(databaseServices.map(vaultName))].sort(),
                    verifyConnection: true,
                    postgresql: {
                        connectionUrl: `postgresql://{{username}}:{{password}}@${db.host}:${db.port}/${db.database}?sslmode=${db.sslMode}`,
                        username: db.username,
                        // Write-only: sent once, never stored in state, so later updates do not undo the rotation below.
                        passwordWo: pulumi.secret(db.password),
                        passwordWoVersion: 1,
                        passwordAuthentication: "scram-sha-256",
                    },
                    rootRotationStatements: [`ALTER ROLE "{{name}}" WITH PASSWORD '{{password}}';`],
                },
                withVault,
            );
            // Vault replaces the configured password with one only it knows, once the connection exists.
            new vault.generic.Endpoint(
                `${name}-postgres-rotate-root`,
                {
                    path: pulumi.interpolate`${mount.path}/rotate-root/${connection.name}`,
                    dataJson: "{}",
                    disableRead: true,
                    disableDelete: true,
                },
                { ...withVault, dependsOn: [connection] },
            );
            for (const service of dynamic) {
                const statements = dynamicUserStatements(service);
                new vault.database.SecretBackendRole(
                    `${name}-db-${vaultName(service)}`,
                    {
                        backend: mount.path,
                        name: vaultName(service),
                        dbName: connection.name,
                        creationStatements: statements.creation,
                        revocationStatements: statements.revocation,
                        defaultTtl: db.dynamicTtlSeconds,
                        maxTtl: db.dynamicMaxTtlSeconds,
                    },
                    withVault,
                );
            }
            for (const service of statics) {
                new vault.database.SecretBackendStaticRole(
                    `${name}-db-static-${vaultName(service)}`,
                    {
                        backend: mount.path,
                        name: vaultName(service),
                        dbName: connection.name,
                        username: service.vault!.database!.staticUsername!,
                        rotationPeriod: db.staticRotationPeriodSeconds,
                    },
                    withVault,
                );
            }
        }
        this.registerOutputs({});
    }
}
