// Vault ACL policies as data, rendered to HCL by one pure function, so tests parse and evaluate exactly
// what Vault receives. Each service gets only its own paths; nothing under sys/.
import type { ServiceConfig } from "../services/config";

export type Capability = "create" | "read" | "update" | "patch" | "delete" | "list" | "sudo" | "deny";

export interface PolicyRule {
    path: string;
    capabilities: Capability[];
    /** Why the rule exists; rendered as a comment above it. */
    reason: string;
}

/** Mount paths of the engines the platform configures. */
export const MOUNTS = { kv: "secret", transit: "transit", database: "database", kubernetesAuth: "kubernetes" } as const;

/** The audience every service account token presented to Vault must carry. */
export const VAULT_AUDIENCE = "vault";

/** Names of the admin policy the deployer uses and of the snapshot job's role and policy. */
export const DEPLOYER_POLICY = "platform-deployer";
export const SNAPSHOT_ROLE = "vault-snapshot";

/**
 * A service's name inside Vault: "<namespace>.<service>". Neither part can contain a dot (DNS labels),
 * so two services never share a name, which "<namespace>-<service>" could not promise.
 */
export function vaultName(service: Pick<ServiceConfig, "name" | "namespace">): string {
    return `${service.namespace}.${service.name}`;
}

export const servicePolicyName = (service: Pick<ServiceConfig, "name" | "namespace">) => `service.${vaultName(service)}`;

/** Where a service's KV v2 secrets live: secret/data/<namespace>/<service>/... */
export const kvPrefix = (service: Pick<ServiceConfig, "name" | "namespace">) => `${service.namespace}/${service.name}`;

export function servicePolicyRules(service: Pick<ServiceConfig, "name" | "namespace" | "vault">): PolicyRule[] {
    const access = service.vault;
    if (!access) return [];
    const name = vaultName(service);
    const rules: PolicyRule[] = [];
    if (access.kv) {
        rules.push(
            { path: `${MOUNTS.kv}/data/${kvPrefix(service)}/*`, capabilities: ["read"], reason: "read its own KV v2 secrets" },
            {
                path: `${MOUNTS.kv}/metadata/${kvPrefix(service)}/*`,
                capabilities: ["read", "list"],
                reason: "list and inspect versions of its own secrets",
            },
        );
    }
    if (access.transit) {
        for (const operation of ["encrypt", "decrypt", "rewrap"]) {
            rules.push({
                path: `${MOUNTS.transit}/${operation}/${name}`,
                capabilities: ["update"],
                reason: `${operation} with its own Transit key`,
            });
        }
    }
    if (access.database?.dynamic) {
        rules.push({
            path: `${MOUNTS.database}/creds/${name}`,
            capabilities: ["read"],
            reason: "short-lived database credentials of its own role",
        });
    }
    if (access.database?.staticUsername) {
        rules.push({
            path: `${MOUNTS.database}/static-creds/${name}`,
            capabilities: ["read"],
            reason: "the current password of its own rotated database user",
        });
    }
    return rules;
}

/** The backup job reads a Raft snapshot and nothing else. */
export function snapshotPolicyRules(): PolicyRule[] {
    return [{ path: "sys/storage/raft/snapshot", capabilities: ["read"], reason: "download a Raft snapshot" }];
}

/**
 * The named admin policy `pulumi up` logs in with (never the root token): the mounts, auth method,
 * policies and audit devices the program manages, and no access to the secrets stored in them.
 */
export function deployerPolicyRules(): PolicyRule[] {
    const crud: Capability[] = ["create", "read", "update", "delete", "list"];
    return [
        { path: "auth/token/create", capabilities: ["update"], reason: "the Vault provider works with a short-lived child token" },
        { path: "auth/token/lookup-self", capabilities: ["read"], reason: "the provider checks its token" },
        { path: "sys/auth", capabilities: ["read"], reason: "list auth methods" },
        {
            path: `sys/auth/${MOUNTS.kubernetesAuth}`,
            capabilities: ["create", "read", "update", "delete", "sudo"],
            reason: "enable the Kubernetes auth method",
        },
        { path: `sys/auth/${MOUNTS.kubernetesAuth}/tune`, capabilities: ["read", "update"], reason: "tune the Kubernetes auth method" },
        {
            path: `sys/mounts/auth/${MOUNTS.kubernetesAuth}/tune`,
            capabilities: ["read", "update"],
            reason: "read the auth method's tuning (the provider's path)",
        },
        { path: `auth/${MOUNTS.kubernetesAuth}/config`, capabilities: crud, reason: "configure the Kubernetes auth method" },
        { path: `auth/${MOUNTS.kubernetesAuth}/role/*`, capabilities: crud, reason: "one role per service" },
        { path: "sys/mounts", capabilities: ["read"], reason: "list secrets engines" },
        ...[MOUNTS.kv, MOUNTS.transit, MOUNTS.database].flatMap((mount): PolicyRule[] => [
            { path: `sys/mounts/${mount}`, capabilities: ["create", "read", "update", "delete"], reason: `mount the ${mount} engine` },
            { path: `sys/mounts/${mount}/tune`, capabilities: ["read", "update"], reason: `tune the ${mount} engine` },
        ]),
        { path: `${MOUNTS.kv}/config`, capabilities: ["read", "update"], reason: "KV v2 versions and check-and-set" },
        {
            path: `${MOUNTS.transit}/keys/*`,
            capabilities: ["create", "read", "update", "list"],
            reason: "per-service Transit keys (never delete: deletion is disallowed)",
        },
        { path: `${MOUNTS.database}/config/*`, capabilities: crud, reason: "the PostgreSQL connection" },
        { path: `${MOUNTS.database}/roles/*`, capabilities: crud, reason: "dynamic database roles" },
        { path: `${MOUNTS.database}/static-roles/*`, capabilities: crud, reason: "rotated static database roles" },
        { path: `${MOUNTS.database}/rotate-root/*`, capabilities: ["update"], reason: "rotate the connection's root credential" },
        { path: "sys/policies/acl/*", capabilities: crud, reason: "per-service policies" },
        { path: `sys/policies/acl/${DEPLOYER_POLICY}`, capabilities: ["deny"], reason: "the deployer cannot widen its own policy" },
        { path: "sys/policy/*", capabilities: crud, reason: "the same policies through the older endpoint some clients use" },
        { path: `sys/policy/${DEPLOYER_POLICY}`, capabilities: ["deny"], reason: "nor through the older endpoint" },
        { path: "sys/audit", capabilities: ["read", "sudo"], reason: "list audit devices" },
        { path: "sys/audit/*", capabilities: ["create", "read", "update", "delete", "sudo"], reason: "the audit devices" },
    ];
}

/** Renders rules as Vault policy HCL. Paths and capabilities come from code, never from free text. */
export function renderPolicy(rules: PolicyRule[]): string {
    if (rules.length === 0) throw new Error("a Vault policy needs at least one rule");
    return rules
        .map((rule) => {
            if (!/^[A-Za-z0-9._/+*-]+$/.test(rule.path)) throw new Error(`invalid Vault policy path: ${rule.path}`);
            return `# ${rule.reason}\npath "${rule.path}" {\n  capabilities = [${rule.capabilities.map((c) => `"${c}"`).join(", ")}]\n}\n`;
        })
        .join("\n");
}
