import { strict as assert } from "node:assert";
import { auditDevice } from "../../../../policy-pack/policies/vault/audit-device";
import { databaseRotation } from "../../../../policy-pack/policies/vault/database-rotation";
import { databaseRootRotation } from "../../../../policy-pack/policies/vault/database-root-rotation";
import { parseVaultPolicy } from "../../../../policy-pack/policies/vault/hcl";
import { kubernetesAuthRole } from "../../../../policy-pack/policies/vault/kubernetes-auth-role";
import { vaultPolicyLeastPrivilege } from "../../../../policy-pack/policies/vault/policy-least-privilege";
import { transitKeyRotation } from "../../../../policy-pack/policies/vault/transit-key-rotation";
import { check, checkStack, expectNone, expectViolations } from "../../helpers";

const policy = (name: string, document: string) => ({ type: "vault:index/policy:Policy", name, props: { name, policy: document } });

describe("vault", () => {
    it("parses HCL with HashiCorp's parser, blocks and capabilities", async () => {
        const rules = await parseVaultPolicy(
            'path "secret/data/shop/*" {\n  capabilities = ["read", "list"]\n}\npath "transit/encrypt/shop" { capabilities = ["update"] }',
        );
        assert.deepEqual(rules, [
            { path: "secret/data/shop/*", capabilities: ["read", "list"] },
            { path: "transit/encrypt/shop", capabilities: ["update"] },
        ]);
    });
    describe("vault:policy-least-privilege", () => {
        it("passes a service policy scoped to its own paths", async () => {
            expectNone(
                await check(
                    vaultPolicyLeastPrivilege,
                    policy(
                        "shop",
                        'path "secret/data/shop/*" { capabilities = ["read"] }\npath "database/creds/shop" { capabilities = ["read"] }',
                    ),
                ),
            );
        });
        it("flags sudo, wildcards over sys/ and the root path", async () => {
            expectViolations(
                await check(vaultPolicyLeastPrivilege, policy("ops", 'path "auth/token/create" { capabilities = ["create", "sudo"] }')),
                /sudo/,
            );
            expectViolations(
                await check(vaultPolicyLeastPrivilege, policy("ops", 'path "sys/policies/acl/*" { capabilities = ["read"] }')),
                /wildcard over sys\//,
            );
            expectViolations(
                await check(vaultPolicyLeastPrivilege, policy("ops", 'path "sys/+/raft" { capabilities = ["read"] }')),
                /wildcard over sys\//,
            );
            expectViolations(await check(vaultPolicyLeastPrivilege, policy("ops", 'path "*" { capabilities = ["read"] }')), /root path/);
            expectViolations(
                await check(vaultPolicyLeastPrivilege, policy("ops", 'path "+/data/*" { capabilities = ["read"] }')),
                /root path/,
            );
        });
        it("allows an exact sys/ path a job needs (Raft snapshots)", async () => {
            expectNone(
                await check(
                    vaultPolicyLeastPrivilege,
                    policy("vault-snapshot", 'path "sys/storage/raft/snapshot" { capabilities = ["read"] }'),
                ),
            );
        });
        it("flags the full-capability secret/data/* grant", async () => {
            expectViolations(
                await check(
                    vaultPolicyLeastPrivilege,
                    policy("app", 'path "secret/data/*" { capabilities = ["create", "read", "update", "delete", "list"] }'),
                ),
                /whole mount/,
            );
        });
        it("allows the named admin policy and deny-only rules", async () => {
            expectNone(await check(vaultPolicyLeastPrivilege, policy("admin", 'path "sys/*" { capabilities = ["sudo", "read"] }')));
            expectNone(await check(vaultPolicyLeastPrivilege, policy("app", 'path "sys/*" { capabilities = ["deny"] }')));
        });
        it("reports a policy that is not valid HCL", async () => {
            expectViolations(await check(vaultPolicyLeastPrivilege, policy("app", 'path "secret/x" { capabilities = [')), /not valid HCL/);
        });
    });
    describe("vault:kubernetes-auth-role", () => {
        const role = (props: object) => ({
            type: "vault:kubernetes/authBackendRole:AuthBackendRole",
            name: "r",
            props: { roleName: "shop", ...props },
        });
        const good = {
            boundServiceAccountNames: ["shop"],
            boundServiceAccountNamespaces: ["shop"],
            tokenTtl: 900,
            tokenMaxTtl: 3600,
            audience: "vault",
        };
        it("passes a bound, short-lived role with an audience", async () => {
            expectNone(await check(kubernetesAuthRole, role(good)));
        });
        it("flags wildcards, unbounded TTLs and a missing audience", async () => {
            expectViolations(
                await check(kubernetesAuthRole, role({ ...good, boundServiceAccountNames: ["*"] })),
                /boundServiceAccountNames/,
            );
            expectViolations(
                await check(kubernetesAuthRole, role({ ...good, boundServiceAccountNamespaces: ["*"] })),
                /boundServiceAccountNamespaces/,
            );
            expectViolations(await check(kubernetesAuthRole, role({ ...good, tokenTtl: 86400 })), /tokenTtl/);
            expectViolations(await check(kubernetesAuthRole, role({ ...good, tokenMaxTtl: undefined })), /tokenMaxTtl/);
            expectViolations(await check(kubernetesAuthRole, role({ ...good, audience: undefined })), /audience/);
        });
    });
    it("vault:transit-key-rotation flags missing rotation and exportable keys", async () => {
        const key = (props: object) => ({
            type: "vault:transit/secretBackendKey:SecretBackendKey",
            name: "k",
            props: { backend: "transit", name: "k", ...props },
        });
        expectNone(await check(transitKeyRotation, key({ autoRotatePeriod: 2592000 })));
        expectViolations(await check(transitKeyRotation, key({})), /autoRotatePeriod/);
        expectViolations(await check(transitKeyRotation, key({ autoRotatePeriod: 2592000, exportable: true })), /exportable/);
        expectViolations(await check(transitKeyRotation, key({ autoRotatePeriod: 2592000, allowPlaintextBackup: true })), /plaintext/);
    });
    it("vault:database-rotation requires static roles to rotate", async () => {
        expectNone(
            await check(databaseRotation, {
                type: "vault:database/secretBackendStaticRole:SecretBackendStaticRole",
                name: "s",
                props: { rotationPeriod: 86400 },
            }),
        );
        expectNone(
            await check(databaseRotation, {
                type: "vault:database/secretBackendStaticRole:SecretBackendStaticRole",
                name: "s",
                props: { rotationSchedule: "0 3 * * *" },
            }),
        );
        expectViolations(
            await check(databaseRotation, { type: "vault:database/secretBackendStaticRole:SecretBackendStaticRole", name: "s", props: {} }),
        );
    });
    describe("vault:database-root-rotation (stack)", () => {
        const connUrn = "urn:pulumi:s::p::vault:database/secretBackendConnection:SecretBackendConnection::pg";
        const conn = (props: object) => ({
            type: "vault:database/secretBackendConnection:SecretBackendConnection",
            name: "pg",
            urn: connUrn,
            props: { name: "postgres", backend: "database", ...props },
        });
        const rotateRoot = (path: string, dependencies = [connUrn]) => ({
            type: "vault:generic/endpoint:Endpoint",
            name: "rr",
            props: { path, dataJson: "{}" },
            dependencies,
        });
        it("passes scheduled rotation, or a rotate-root call made after the connection", async () => {
            expectNone(await checkStack(databaseRootRotation, [conn({ rotationSchedule: "0 3 * * SUN" })]));
            expectNone(await checkStack(databaseRootRotation, [conn({}), rotateRoot("database/rotate-root/postgres")]));
        });
        it("flags a connection whose root credential never rotates", async () => {
            expectViolations(await checkStack(databaseRootRotation, [conn({})]), /"postgres" never rotates/);
            expectViolations(await checkStack(databaseRootRotation, [conn({ rotationPeriod: 86400, disableAutomatedRotation: true })]));
            expectViolations(await checkStack(databaseRootRotation, [conn({}), rotateRoot("database/rotate-root/other")]));
            expectViolations(await checkStack(databaseRootRotation, [conn({}), rotateRoot("database/rotate-root/postgres", [])]));
        });
        it("judges each connection of a secrets mount", async () => {
            const mount = {
                type: "vault:database/secretsMount:SecretsMount",
                name: "m",
                props: { path: "db", postgresqls: [{ name: "pg", rotationPeriod: 86400 }, { name: "pg2" }] },
            };
            expectViolations(await checkStack(databaseRootRotation, [mount]), /postgresqls\[1\]/);
        });
    });
    it("vault:audit-device fires only where Vault is configured", async () => {
        const role = { type: "vault:kubernetes/authBackendRole:AuthBackendRole", name: "r", props: {} };
        expectViolations(await checkStack(auditDevice, [role]), /no audit device/);
        expectNone(await checkStack(auditDevice, [role, { type: "vault:index/audit:Audit", name: "file", props: { type: "file" } }]));
        expectNone(
            await checkStack(auditDevice, [
                { type: "kubernetes:core/v1:Namespace", name: "n", props: {} },
                { type: "pulumi:providers:vault", name: "v", props: {} },
            ]),
        );
    });
});
