// Vault ACL policies as data, rendered to HCL by one pure function, so tests parse and evaluate exactly
// what Vault receives. Each service gets only its own paths; nothing under sys/.
import type { ServiceConfig } from "../services/config";

export type Capability = "create" | "read" | "update" | "patch" | "delete" | "list" | "sudo" | "deny";

export interface PolicyRule {
    path: string;
    capabilities: Capability[];
    /** Why the rule exists; rendered as a comment above it. */
    reason: string;
    /** Vault's allowed_parameters: request fields and the values (globs `x*`) they may take; `"*": []` allows other fields. */
    allowedParameters?: Record<string, string[]>;
}

/** Mount paths of the engines the platform configures. */
export const MOUNTS = { kv: "secret", transit: "transit", database: "database", kubernetesAuth: "kubernetes" } as const;

/** The audience every service account token presented to Vault must carry. */
export const VAULT_AUDIENCE = "vault";

/** Names of the reconciler's role and policy and of the snapshot job's. */
export const RECONCILER_ROLE = "platform-reconciler";
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

/** What the reconciler's policy covers besides the fixed engines: it follows config, so it is rewritten every run. */
export interface ReconcilerScope {
    /** Audit device paths the platform declares (`file`, `stdout`). */
    auditPaths: string[];
    /** Whether the database engine is configured. */
    database: boolean;
    /** Whether Transit keys may be deleted (outside staging and prod). */
    transitDeletion: boolean;
}

/** Policies the reconciler may bind to roles: the services', the snapshot job's and its own. */
export const RECONCILER_BINDABLE_POLICIES = ["service.*", SNAPSHOT_ROLE, RECONCILER_ROLE];

/**
 * The in-cluster reconciler's policy (never the root token): the engines, roles, policies and audit devices
 * the platform owns, and no secret stored in them. It can write ACL policies and roles, so in open-source
 * Vault it is root-equivalent (a written policy can grant anything); the narrowing limits what a mistake
 * or a bug can touch, not what a determined holder can reach (docs/vault.md).
 */
export function reconcilerPolicyRules(scope: ReconcilerScope): PolicyRule[] {
    const crud: Capability[] = ["create", "read", "update", "delete", "list"];
    const engines: string[] = [MOUNTS.kv, MOUNTS.transit, ...(scope.database ? [MOUNTS.database] : [])];
    const rules: PolicyRule[] = [
        { path: "auth/token/revoke-self", capabilities: ["update"], reason: "end its session when done" },
        { path: `auth/${MOUNTS.kubernetesAuth}/config`, capabilities: ["read", "update"], reason: "configure the Kubernetes auth method" },
        { path: `auth/${MOUNTS.kubernetesAuth}/role`, capabilities: ["list"], reason: "find roles it no longer declares" },
        {
            path: `auth/${MOUNTS.kubernetesAuth}/role/*`,
            capabilities: ["create", "read", "update", "delete"],
            reason: "one role per service, bound only to the platform's policies",
            allowedParameters: {
                token_policies: RECONCILER_BINDABLE_POLICIES,
                "*": [],
            },
        },
        { path: "sys/mounts", capabilities: ["read"], reason: "see which engines are mounted" },
        { path: "sys/auth", capabilities: ["read"], reason: "report auth methods the platform does not manage" },
        // Engines are mounted and tuned, never unmounted: unmounting destroys their data.
        ...engines.flatMap((mount): PolicyRule[] => [
            { path: `sys/mounts/${mount}`, capabilities: ["create", "read", "update"], reason: `mount the ${mount} engine` },
            { path: `sys/mounts/${mount}/tune`, capabilities: ["read", "update"], reason: `tune the ${mount} engine` },
        ]),
        { path: `${MOUNTS.kv}/config`, capabilities: ["read", "update"], reason: "KV v2 versions and check-and-set" },
        { path: `${MOUNTS.transit}/keys`, capabilities: ["list"], reason: "find Transit keys it no longer declares" },
        {
            path: `${MOUNTS.transit}/keys/*`,
            capabilities: ["create", "read", "update", ...(scope.transitDeletion ? (["delete"] as Capability[]) : [])],
            reason: scope.transitDeletion
                ? "per-service Transit keys, deleted outside staging and prod"
                : "per-service Transit keys, never deleted",
        },
        { path: "sys/policies/acl", capabilities: ["list"], reason: "find policies it no longer declares" },
        { path: "sys/policies/acl/service.*", capabilities: crud, reason: "per-service policies" },
        { path: `sys/policies/acl/${SNAPSHOT_ROLE}`, capabilities: ["create", "read", "update"], reason: "the snapshot job's policy" },
        { path: `sys/policies/acl/${RECONCILER_ROLE}`, capabilities: ["read", "update"], reason: "its own policy follows config" },
        { path: "sys/audit", capabilities: ["read", "sudo"], reason: "list audit devices (Vault requires sudo)" },
        ...scope.auditPaths.map((path): PolicyRule => ({
            path: `sys/audit/${path}`,
            capabilities: ["create", "update", "delete", "sudo"],
            reason: `the ${path} audit device (replaced by delete, then enable)`,
        })),
    ];
    if (scope.database) {
        rules.push(
            { path: `${MOUNTS.database}/config/*`, capabilities: crud, reason: "the PostgreSQL connection" },
            { path: `${MOUNTS.database}/roles`, capabilities: ["list"], reason: "find dynamic roles it no longer declares" },
            { path: `${MOUNTS.database}/roles/*`, capabilities: crud, reason: "dynamic database roles" },
            { path: `${MOUNTS.database}/static-roles`, capabilities: ["list"], reason: "find static roles it no longer declares" },
            { path: `${MOUNTS.database}/static-roles/*`, capabilities: crud, reason: "rotated static database roles" },
            { path: `${MOUNTS.database}/rotate-root/*`, capabilities: ["update"], reason: "rotate the connection's root credential" },
        );
    }
    return rules;
}

/** Renders rules as Vault policy HCL. Paths and capabilities come from code, never from free text. */
export function renderPolicy(rules: PolicyRule[]): string {
    if (rules.length === 0) throw new Error("a Vault policy needs at least one rule");
    return rules
        .map((rule) => {
            if (!/^[A-Za-z0-9._/+*-]+$/.test(rule.path)) throw new Error(`invalid Vault policy path: ${rule.path}`);
            const quoted = (values: string[]) => `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;
            const parameters = Object.entries(rule.allowedParameters ?? {}).map(([key, values]) => {
                if (!/^[a-z_*]+$/.test(key) || values.some((v) => !/^[A-Za-z0-9._*-]+$/.test(v)))
                    throw new Error(`invalid allowed parameter for ${rule.path}: ${key}`);
                return `    ${JSON.stringify(key)} = ${quoted(values)}\n`;
            });
            const allowed = parameters.length > 0 ? `  allowed_parameters = {\n${parameters.join("")}  }\n` : "";
            return `# ${rule.reason}\npath "${rule.path}" {\n  capabilities = ${quoted(rule.capabilities)}\n${allowed}}\n`;
        })
        .join("\n");
}
