// The reconciler Job's script, run for real (sh, curl, jq) against the stand-in Vault over TLS after the
// real bootstrap script: it logs in with Kubernetes auth, converges (a second run changes nothing), prunes
// what the platform no longer declares, and its own policy follows config from one run to the next. The
// stand-in judges every request by the policies it holds, so a permission the reconciler lacks fails here.
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parsePlatformConfig, type PlatformConfig } from "../../../infra/config";
import { RECONCILER_ROLE } from "../../../infra/vault/policies";
import { RECONCILER_INPUTS, bootstrapScript, reconcileScript } from "../../../infra/vault/scripts";
import { desiredState, type DesiredState } from "../../../infra/vault/vault-configuration";
import { rawStackConfig } from "../../helpers/config";
import { StandInVault, runJob, sandbox, serverCertificate, type Recorded } from "./stand-in-vault";

const PASSWORD = "pg-admin-password-sent-once";
/** Refused or failed requests (a 404 is only a read of something not there yet). */
const denied = (requests: Recorded[]) =>
    requests.filter((r) => r.status >= 400 && r.status !== 404).map((r) => `${r.method} ${r.path} ${r.status}`);
const prod = parsePlatformConfig("prod", rawStackConfig("prod"));

describe("vault reconciler job, run against a stand-in Vault", function () {
    this.timeout(300_000);
    const box = sandbox();
    const vault = new StandInVault();
    let address = "";
    let caFile = "";
    const inputs = join(box.dir, "inputs");

    before(async () => {
        const tls = serverCertificate(box.dir);
        caFile = tls.caFile;
        address = await vault.start(tls.key, tls.cert);
        mkdirSync(inputs, { recursive: true });
        writeFileSync(join(inputs, "password"), `${PASSWORD}\n`);
        writeFileSync(join(inputs, "token"), "eyJhbGciOiJSUzI1NiJ9.projected.token\n");
    });
    after(async () => {
        await vault.stop();
        rmSync(box.dir, { recursive: true, force: true });
    });

    const desiredFor = (
        changes: { config?: Partial<PlatformConfig["vault"]>; services?: PlatformConfig["services"]; protect?: boolean } = {},
    ) =>
        desiredState({
            config: { ...prod.vault, ...changes.config },
            services: changes.services ?? prod.services,
            protect: changes.protect ?? true,
        });

    const paths = {
        "/vault-ca/ca.crt": "CA",
        [RECONCILER_INPUTS.desired]: join(inputs, "desired.json"),
        [RECONCILER_INPUTS.databasePassword]: join(inputs, "password"),
        "/var/run/secrets/vault/token": join(inputs, "token"),
    };
    /** One run of the reconciler: the deploy's Job, or with `reportDrift` the hourly CronJob's. */
    const reconcile = async (desired: DesiredState, reportDrift = false) => {
        writeFileSync(join(inputs, "desired.json"), JSON.stringify(desired));
        const since = vault.requests.length;
        const result = await runJob(
            box,
            reconcileScript(),
            { VAULT_ADDR: address, VAULT_ROLE: RECONCILER_ROLE, REPORT_DRIFT: String(reportDrift) },
            { ...paths, "/vault-ca/ca.crt": caFile },
        );
        return { ...result, changes: vault.changes(since), requests: vault.requests.slice(since) };
    };
    /** A Vault that the real bootstrap job initialised for this desired state: only the reconciler's login exists. */
    const bootstrapped = async (desired: DesiredState) => {
        vault.reset();
        rmSync(box.state, { recursive: true, force: true });
        mkdirSync(box.state);
        writeFileSync(join(box.state, "calls"), "");
        const result = await runJob(
            box,
            bootstrapScript("aws-kms"),
            {
                VAULT_ADDR: address,
                NAMESPACE: "vault",
                INIT_REQUEST: JSON.stringify({ recovery_shares: 5, recovery_threshold: 3 }),
                RECONCILER_ROLE,
                RECONCILER: JSON.stringify(desired.reconciler),
                AWS_REGION: "eu-west-1",
                RECOVERY_SECRET_ID: "platform-prod/vault/recovery-x",
            },
            { "/vault-ca/ca.crt": caFile },
        );
        assert.equal(result.code, 0, result.stderr);
    };

    it("makes Vault match the desired state, logged in as the reconciler (never root), and sends the database password once", async () => {
        const desired = desiredFor();
        await bootstrapped(desired);
        const run = await reconcile(desired);
        assert.equal(run.code, 0, run.stderr);
        assert.ok(!(run.stdout + run.stderr).includes(PASSWORD), "the password is never printed");
        assert.deepEqual(denied(run.requests), [], "nothing was refused");
        assert.ok(
            run.changes.every((r) => r.token?.startsWith("hvs.k8s-token-")),
            "every write uses the reconciler's Kubernetes login",
        );
        for (const policy of [...prod.services.filter((s) => s.vault).map((s) => `service.${s.namespace}.${s.name}`), "vault-snapshot"])
            assert.ok(vault.store.has(`sys/policies/acl/${policy}`), policy);
        for (const write of desired.writes) {
            const have = vault.store.get(write.read ?? write.path)!;
            for (const [key, value] of Object.entries(write.body)) assert.deepEqual(have[key], value, `${write.path} ${key}`);
        }
        assert.deepEqual([...vault.audit.keys()].sort(), ["file/", "stdout/"]);
        assert.deepEqual([...vault.mounts.keys()].sort(), ["database/", "secret/", "transit/"]);
        assert.equal(vault.databasePasswords.get("postgres"), "rotated-by-vault", "sent once, then rotated by Vault");
        const sent = run.changes.filter((r) => r.path === "/v1/database/config/postgres");
        assert.equal(sent.length, 1);
        assert.equal(JSON.parse(sent[0]!.body).password, PASSWORD);
        assert.ok(
            run.changes.findIndex((r) => r.path === "/v1/database/rotate-root/postgres") >
                run.changes.findIndex((r) => r.path === "/v1/database/config/postgres"),
        );
        for (const write of desired.database!.writes) assert.ok(vault.store.has(write.path), write.path);
        for (const key of [...vault.store.keys()].filter((k) => /^transit\/keys\/[^/]+$/.test(k)))
            assert.equal(vault.store.get(key)!.deletion_allowed, false, `${key}: protected in prod`);
        assert.match(run.stdout, /reconciled: \d+ change\(s\)/);
        const last = run.requests.at(-1)!;
        assert.deepEqual([last.path, last.status], ["/v1/auth/token/revoke-self", 204], "the session ends with the run");
    });

    it("changes nothing when run again (apply twice = no change)", async () => {
        const run = await reconcile(desiredFor());
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(
            run.changes.map((r) => `${r.method} ${r.path}`),
            [],
        );
        assert.match(run.stdout, /reconciled: 0 change\(s\)/);
    });

    it("reverts a change made by hand outside a deploy", async () => {
        vault.store.set("sys/policies/acl/service.shop.cart", {
            name: "service.shop.cart",
            policy: 'path "secret/*" { capabilities = ["read"] }',
        });
        vault.store.get("auth/kubernetes/role/shop.cart")!.token_ttl = 86400;
        const run = await reconcile(desiredFor());
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(run.changes.map((r) => `${r.method} ${r.path}`).sort(), [
            "POST /v1/auth/kubernetes/role/shop.cart",
            "POST /v1/sys/policies/acl/service.shop.cart",
        ]);
        assert.equal(vault.store.get("auth/kubernetes/role/shop.cart")!.token_ttl, prod.vault.tokenTtlSeconds);
    });

    it("the hourly run succeeds when nothing changed, and fails (so KubeJobFailed alerts) after correcting a change made outside a deploy", async () => {
        const clean = await reconcile(desiredFor(), true);
        assert.equal(clean.code, 0, clean.stderr);
        vault.store.get("auth/kubernetes/role/shop.cart")!.token_policies = ["service.shop.cart", "service.payments.ledger"];
        vault.store.set("sys/policies/acl/break-glass-admin", {
            name: "break-glass-admin",
            policy: 'path "*" { capabilities = ["sudo"] }',
        });
        vault.auth.set("userpass/", { type: "userpass" });
        const drifted = await reconcile(desiredFor(), true);
        assert.equal(drifted.code, 3);
        assert.match(drifted.stdout, /updated auth\/kubernetes\/role\/shop\.cart/);
        assert.match(drifted.stdout, /not managed by the platform: break-glass-admin/);
        assert.match(drifted.stdout, /not managed by the platform: auth method userpass\//);
        assert.match(drifted.stderr, /changed outside a deploy.*Configuration changed outside a deploy/);
        assert.deepEqual(vault.store.get("auth/kubernetes/role/shop.cart")!.token_policies, ["service.shop.cart"], "corrected");
        assert.ok(vault.store.has("sys/policies/acl/break-glass-admin"), "what the platform does not own is reported, not deleted");
        // The deploy's run reports the same objects but does not fail on them.
        const deploy = await reconcile(desiredFor());
        assert.equal(deploy.code, 0, deploy.stderr);
        vault.store.delete("sys/policies/acl/break-glass-admin");
        vault.auth.delete("userpass/");
    });

    it("replaces a changed audit device by disabling it first", async () => {
        const desired = desiredFor();
        const changed = {
            ...desired,
            audit: desired.audit.map((a) => (a.path === "file" ? { ...a, options: { ...a.options, mode: "0640" } } : a)),
        };
        const run = await reconcile(changed);
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(
            run.changes.filter((r) => r.path.startsWith("/v1/sys/audit")).map((r) => `${r.method} ${r.path}`),
            ["DELETE /v1/sys/audit/file", "PUT /v1/sys/audit/file"],
        );
        assert.equal((vault.audit.get("file/")!.options as Record<string, string>).mode, "0640");
    });

    it("prunes what it no longer declares, keeps Transit keys where deletion is refused, and deletes them elsewhere", async () => {
        const removed = prod.services.find((s) => s.vault?.transit && s.vault?.database)!;
        const name = `${removed.namespace}.${removed.name}`;
        const fewer = prod.services.filter((s) => s !== removed);
        await reconcile(desiredFor());
        const protectedRun = await reconcile(desiredFor({ services: fewer }));
        assert.equal(protectedRun.code, 0, protectedRun.stderr);
        assert.equal(vault.store.has(`sys/policies/acl/service.${name}`), false);
        assert.equal(vault.store.has(`auth/kubernetes/role/${name}`), false);
        assert.ok(!vault.store.has(`database/roles/${name}`) && !vault.store.has(`database/static-roles/${name}`));
        assert.equal(vault.store.has(`transit/keys/${name}`), true, "kept: deletion is refused in staging and prod");
        assert.match(protectedRun.stdout, new RegExp(`kept transit/keys/${name.replace(".", "\\.")}: no longer declared`));
        assert.ok(vault.store.has("sys/policies/acl/vault-snapshot") && vault.store.has(`auth/kubernetes/role/${RECONCILER_ROLE}`));
        for (const service of fewer.filter((s) => s.vault))
            assert.ok(vault.store.has(`auth/kubernetes/role/${service.namespace}.${service.name}`));

        // Outside staging and prod (protect: false) the reconciler may delete keys, and does.
        const devRun = await reconcile(desiredFor({ services: fewer, protect: false }));
        assert.equal(devRun.code, 0, devRun.stderr);
        assert.equal(vault.store.has(`transit/keys/${name}`), false);
        assert.ok(devRun.changes.some((r) => r.method === "DELETE" && r.path === `/v1/transit/keys/${name}`));
    });

    it("applies a changed reconciler policy before using it: access follows config on a second run", async () => {
        const noDatabase = desiredFor({ config: { database: undefined } });
        await bootstrapped(noDatabase);
        const first = await reconcile(noDatabase);
        assert.equal(first.code, 0, first.stderr);
        assert.equal(vault.store.has("database/config/postgres"), false);
        assert.doesNotMatch(String(vault.store.get(`sys/policies/acl/${RECONCILER_ROLE}`)!.policy), /database\//);

        // Config now names a database: the policy the bootstrap wrote cannot manage it, the new one can.
        const withDatabase = desiredFor();
        const second = await reconcile(withDatabase);
        assert.equal(second.code, 0, second.stderr);
        assert.equal(vault.store.get(`sys/policies/acl/${RECONCILER_ROLE}`)!.policy, withDatabase.reconciler.policy);
        assert.equal(second.changes[0]!.path, `/v1/sys/policies/acl/${RECONCILER_ROLE}`, "its own policy is the first write");
        assert.ok(vault.store.has("database/config/postgres"));
        assert.deepEqual(denied(second.requests), []);
    });

    it("fails loudly when its access does not cover the desired state, instead of skipping", async () => {
        const desired = desiredFor();
        await bootstrapped(desired);
        const narrowed = {
            ...desired,
            reconciler: {
                ...desired.reconciler,
                policy: 'path "sys/policies/acl/platform-reconciler" {\n  capabilities = ["read", "update"]\n}\n',
            },
        };
        // The stored policy allows only rewriting itself; a desired state that keeps it that way cannot proceed.
        vault.store.set(`sys/policies/acl/${RECONCILER_ROLE}`, { name: RECONCILER_ROLE, policy: narrowed.reconciler.policy });
        const run = await reconcile(narrowed);
        assert.notEqual(run.code, 0);
        assert.ok(run.requests.some((r) => r.status === 403));
    });

    it("survives a leader change: a request that fails once is retried", async () => {
        const desired = desiredFor();
        await bootstrapped(desired);
        vault.failures.set("GET /v1/sys/mounts", 1);
        vault.failures.set("POST /v1/sys/policies/acl/service.shop.cart", 1);
        const run = await reconcile(desired);
        assert.equal(run.code, 0, run.stderr);
        assert.ok(vault.store.has("sys/policies/acl/service.shop.cart"));
    });
});
