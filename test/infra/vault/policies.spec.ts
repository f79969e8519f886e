import assert from "node:assert/strict";
import fc from "fast-check";
import type { ServiceConfig } from "../../../infra/services/config";
import {
    RECONCILER_ROLE,
    reconcilerPolicyRules,
    renderPolicy,
    servicePolicyName,
    servicePolicyRules,
    snapshotPolicyRules,
    vaultName,
} from "../../../infra/vault/policies";
import { allows, capabilitiesOn, comparePriority, parametersAllowed, parsePolicy, pathMatches, type AclRule } from "./vault-acl";

type Svc = Pick<ServiceConfig, "name" | "namespace" | "vault">;

const SERVICES: Svc[] = [
    { name: "catalog", namespace: "shop", vault: { kv: true, transit: false } },
    { name: "orders", namespace: "shop", vault: { kv: true, transit: true, database: { dynamic: true } } },
    { name: "order", namespace: "shop", vault: { kv: true, transit: true, database: { dynamic: true, staticUsername: "order_app" } } },
    {
        name: "payments-api",
        namespace: "payments",
        vault: { kv: true, transit: true, database: { dynamic: false, staticUsername: "payments_app" } },
    },
    { name: "orders", namespace: "payments", vault: { kv: true, transit: true, database: { dynamic: true } } },
];

/** The requests a service makes to use everything its config grants. */
function ownRequests(service: Svc): { path: string; capability: string }[] {
    const requests: { path: string; capability: string }[] = [];
    const name = vaultName(service);
    if (service.vault?.kv) {
        requests.push(
            { path: `secret/data/${service.namespace}/${service.name}/config`, capability: "read" },
            { path: `secret/data/${service.namespace}/${service.name}/db/tls`, capability: "read" },
            { path: `secret/metadata/${service.namespace}/${service.name}/`, capability: "list" },
        );
    }
    if (service.vault?.transit) {
        requests.push({ path: `transit/encrypt/${name}`, capability: "update" }, { path: `transit/decrypt/${name}`, capability: "update" });
    }
    if (service.vault?.database?.dynamic) requests.push({ path: `database/creds/${name}`, capability: "read" });
    if (service.vault?.database?.staticUsername) requests.push({ path: `database/static-creds/${name}`, capability: "read" });
    return requests;
}

const SYSTEM_PATHS = [
    "sys/mounts",
    "sys/mounts/secret",
    "sys/auth/kubernetes",
    "sys/policies/acl/service.shop.orders",
    "sys/audit/file",
    "sys/storage/raft/snapshot",
    "sys/seal",
    "sys/generate-root/attempt",
    "sys/leases/revoke-prefix/database",
    "sys/raw/core",
    "auth/kubernetes/role/shop.orders",
    "auth/token/create",
    "secret/config",
    "transit/keys/shop.orders",
    "database/config/postgres",
    "database/rotate-root/postgres",
];

async function policyOf(service: Svc): Promise<AclRule[]> {
    return parsePolicy(renderPolicy(servicePolicyRules(service)));
}

describe("vault ACL evaluation (Vault's documented path rules)", () => {
    it("matches exact paths, trailing globs as prefixes and + as exactly one segment", () => {
        assert.equal(pathMatches("secret/foo", "secret/foo"), true);
        assert.equal(pathMatches("secret/foo", "secret/foo/bar"), false);
        assert.equal(pathMatches("secret/foo*", "secret/foobar"), true);
        assert.equal(pathMatches("secret/foo*", "secret/foo/bar"), true);
        assert.equal(pathMatches("secret/foo/*", "secret/foo"), false);
        assert.equal(pathMatches("secret/foo/*", "secret/foo/"), true);
        assert.equal(pathMatches("secret/+/teamb", "secret/a/teamb"), true);
        assert.equal(pathMatches("secret/+/teamb", "secret/a/b/teamb"), false);
        assert.equal(pathMatches("secret/+/+/x", "secret/a/b/x"), true);
        assert.equal(pathMatches("secret/+/data/*", "secret/a/data/k/v"), true);
    });

    it("orders matching rules by Vault's five priority rules", () => {
        // 1. the earlier first wildcard loses
        assert.ok(comparePriority("secret/*", "secret/a/*") < 0);
        // 2. ending in * loses to not ending in *
        assert.ok(comparePriority("secret/+/bar*", "secret/+/bar") < 0);
        // 3. more + segments lose
        assert.ok(comparePriority("secret/+/+/c", "secret/+/b/c") < 0);
        // 4. shorter loses
        assert.ok(comparePriority("secret/ab*", "secret/abc*") < 0);
        // 5. lexicographically smaller loses
        assert.ok(comparePriority("secret/a", "secret/b") < 0);
        const rules: AclRule[] = [
            { path: "secret/*", capabilities: ["read"] },
            { path: "secret/restricted/*", capabilities: ["deny"] },
            { path: "secret/+/open", capabilities: ["update"] },
        ];
        assert.deepEqual(capabilitiesOn(rules, "secret/x"), ["read"]);
        assert.deepEqual(capabilitiesOn(rules, "secret/restricted/key"), []);
        assert.deepEqual(capabilitiesOn(rules, "secret/a/open"), ["update"]);
        // Would the counter-example from SECURITY-ARCHITECTURE.md pass these tests? It grants every service everything.
        const wide: AclRule[] = [{ path: "secret/data/*", capabilities: ["create", "read", "update", "delete", "list"] }];
        assert.equal(allows(wide, "secret/data/payments/ledger/key", "read"), true);
    });
});

describe("vault policies", () => {
    it("every rendered policy parses with HashiCorp's HCL parser and keeps every rule", async () => {
        const all = [
            ...SERVICES.map((s) => servicePolicyRules(s)),
            snapshotPolicyRules(),
            reconcilerPolicyRules({ auditPaths: ["file", "stdout"], database: true, transitDeletion: false }),
        ];
        for (const rules of all) {
            const parsed = await parsePolicy(renderPolicy(rules));
            assert.deepEqual(parsed.map((r) => r.path).sort(), rules.map((r) => r.path).sort());
            for (const rule of rules) assert.deepEqual(parsed.find((p) => p.path === rule.path)!.capabilities, rule.capabilities);
        }
    });

    it("lets each service use its own paths", async () => {
        for (const service of SERVICES) {
            const rules = await policyOf(service);
            for (const request of ownRequests(service)) {
                assert.ok(
                    allows(rules, request.path, request.capability),
                    `${servicePolicyName(service)} cannot ${request.capability} ${request.path}`,
                );
            }
        }
    });

    it("denies each service every other service's paths, writes to its own secrets, and everything under sys/", async () => {
        for (const service of SERVICES) {
            const rules = await policyOf(service);
            for (const other of SERVICES.filter((o) => o !== service)) {
                for (const request of ownRequests(other)) {
                    assert.deepEqual(
                        capabilitiesOn(rules, request.path),
                        [],
                        `${servicePolicyName(service)} reaches ${request.path} of ${vaultName(other)}`,
                    );
                }
            }
            for (const path of SYSTEM_PATHS)
                assert.deepEqual(capabilitiesOn(rules, path), [], `${servicePolicyName(service)} reaches ${path}`);
            assert.equal(allows(rules, `secret/data/${service.namespace}/${service.name}/config`, "update"), false);
            assert.ok(rules.every((rule) => !rule.capabilities.includes("sudo")));
        }
    });

    it("isolates any two distinct services, whatever their names (property)", async () => {
        const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
        const service = fc.record({ namespace: label, name: label });
        await fc.assert(
            fc.asyncProperty(service, service, async (a, b) => {
                fc.pre(a.namespace !== b.namespace || a.name !== b.name);
                const full = { kv: true, transit: true, database: { dynamic: true, staticUsername: "app_user" } };
                const rulesA = await policyOf({ ...a, vault: full });
                for (const request of ownRequests({ ...b, vault: full })) {
                    if (capabilitiesOn(rulesA, request.path).length > 0) return false;
                }
                return ownRequests({ ...a, vault: full }).every((r) => allows(rulesA, r.path, r.capability));
            }),
            { numRuns: 200 },
        );
    });

    it("gives the snapshot job a snapshot read and nothing else", async () => {
        const rules = await parsePolicy(renderPolicy(snapshotPolicyRules()));
        assert.ok(allows(rules, "sys/storage/raft/snapshot", "read"));
        for (const path of ["sys/storage/raft/snapshot-force", "sys/storage/raft/snapshot/x", "secret/data/shop/orders/k", "sys/mounts"]) {
            assert.deepEqual(capabilitiesOn(rules, path), [], path);
        }
        assert.equal(allows(rules, "sys/storage/raft/snapshot", "update"), false, "restoring is not a backup job's business");
    });

    const reconciler = (scope: Partial<Parameters<typeof reconcilerPolicyRules>[0]> = {}) =>
        parsePolicy(
            renderPolicy(reconcilerPolicyRules({ auditPaths: ["file", "stdout"], database: true, transitDeletion: false, ...scope })),
        );

    it("gives the reconciler the configuration it manages but no secret, no seal control, no auth method and no unmount", async () => {
        const rules = await reconciler();
        for (const [path, capability] of [
            ["sys/policies/acl/service.shop.orders", "update"],
            ["sys/policies/acl/service.shop.orders", "delete"],
            [`sys/policies/acl/${RECONCILER_ROLE}`, "update"],
            ["auth/kubernetes/role/shop.orders", "create"],
            ["sys/audit/file", "sudo"],
            ["transit/keys/shop.orders", "create"],
            ["database/static-roles/payments.payments-api", "update"],
            ["sys/mounts/secret", "create"],
        ] as const) {
            assert.ok(allows(rules, path, capability), `reconciler cannot ${capability} ${path}`);
        }
        for (const path of [
            "sys/policies/acl/root",
            "sys/policies/acl/default",
            "sys/policies/acl/admin",
            "sys/policy/service.shop.orders",
            "sys/auth/kubernetes",
            "sys/auth/userpass",
            "sys/audit/socket",
            "sys/mounts/pki",
            "secret/data/shop/orders/config",
            "database/creds/shop.orders",
            "database/static-creds/payments.payments-api",
            "transit/decrypt/shop.orders",
            "transit/export/encryption-key/shop.orders",
            "auth/token/create",
            "sys/seal",
            "sys/storage/raft/snapshot",
            "sys/generate-root/attempt",
            "sys/raw/core",
        ]) {
            assert.deepEqual(capabilitiesOn(rules, path), [], path);
        }
        assert.equal(allows(rules, "sys/mounts/secret", "delete"), false, "engines are never unmounted");
        assert.equal(allows(rules, `sys/policies/acl/${RECONCILER_ROLE}`, "delete"), false);
    });

    it("lets the reconciler bind only the platform's policies to roles", async () => {
        const rules = await reconciler();
        const role = (policies: string[]) => ({ bound_service_account_names: ["orders"], token_policies: policies, token_ttl: 900 });
        assert.ok(parametersAllowed(rules, "auth/kubernetes/role/shop.orders", role(["service.shop.orders"])));
        assert.ok(parametersAllowed(rules, "auth/kubernetes/role/vault-snapshot", role(["vault-snapshot"])));
        for (const policies of [["root"], ["default"], ["service.shop.orders", "admin"]])
            assert.equal(parametersAllowed(rules, "auth/kubernetes/role/shop.orders", role(policies)), false, policies.join(","));
    });

    it("follows config: Transit deletion only where allowed, database paths only with a database, audit paths as declared", async () => {
        assert.equal(allows(await reconciler(), "transit/keys/shop.orders", "delete"), false);
        assert.equal(allows(await reconciler({ transitDeletion: true }), "transit/keys/shop.orders", "delete"), true);
        assert.deepEqual(capabilitiesOn(await reconciler({ database: false }), "database/roles/shop.orders"), []);
        assert.deepEqual(capabilitiesOn(await reconciler({ auditPaths: ["file"] }), "sys/audit/stdout"), []);
    });

    it("refuses to render a path Vault would read differently", () => {
        assert.throws(() => renderPolicy([{ path: 'secret/"x', capabilities: ["read"], reason: "quote" }]), /invalid Vault policy path/);
        assert.throws(() => renderPolicy([]), /at least one rule/);
    });
});
