// The bootstrap job's script, run for real (sh, curl, jq) against the stand-in Vault over TLS, with kubectl
// and the AWS CLI as recording stubs that can be made to fail: it never exits 0 without having stored the
// init response, and a rerun after a failure at any step either completes or fails loudly.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parsePlatformConfig } from "../../../infra/config";
import { RECONCILER_ROLE } from "../../../infra/vault/policies";
import { bootstrapScript } from "../../../infra/vault/scripts";
import { desiredState } from "../../../infra/vault/vault-configuration";
import { rawStackConfig } from "../../helpers/config";
import { RECOVERY_KEY, ROOT_TOKEN, StandInVault, UNSEAL_KEY, calls, runJob, sandbox, serverCertificate } from "./stand-in-vault";

const prod = parsePlatformConfig("prod", rawStackConfig("prod"));
const desired = desiredState({ config: prod.vault, services: prod.services, protect: true });
const SECRET_ID = "arn:aws:secretsmanager:eu-west-1:777788889999:secret:platform-prod/vault/recovery-20261201abcdef";

describe("vault bootstrap job, run against a stand-in Vault", function () {
    this.timeout(300_000);
    const box = sandbox();
    const vault = new StandInVault();
    let address = "";
    let caFile = "";

    before(async () => {
        const tls = serverCertificate(box.dir);
        caFile = tls.caFile;
        address = await vault.start(tls.key, tls.cert);
    });
    after(async () => {
        await vault.stop();
        rmSync(box.dir, { recursive: true, force: true });
    });

    /** A fresh Vault and cluster: nothing initialised, no recorded phase, no stored response, no failures. */
    const fresh = () => {
        vault.reset();
        for (const file of readdirSync(box.state)) rmSync(join(box.state, file), { recursive: true, force: true });
        writeFileSync(join(box.state, "calls"), "");
    };
    const env = (initRequest: object = { recovery_shares: 5, recovery_threshold: 3 }) => ({
        VAULT_ADDR: address,
        NAMESPACE: "vault",
        INIT_REQUEST: JSON.stringify(initRequest),
        RECONCILER_ROLE,
        RECONCILER: JSON.stringify(desired.reconciler),
        AWS_REGION: "eu-west-1",
        RECOVERY_SECRET_ID: SECRET_ID,
    });
    // Failure tests make curl give up at once instead of backing off five times (about 30 s a step).
    const quick = { "--retry 5": "--retry 0" };
    const bootstrap = (unseal: "aws-kms" | "insecure-local-shamir" = "aws-kms", timeoutMs?: number, initRequest?: object) =>
        runJob(box, bootstrapScript(unseal), env(initRequest), { ...quick, "/vault-ca/ca.crt": caFile }, timeoutMs);
    const phase = () => {
        const file = join(box.state, "configmap-vault-bootstrap-state", "phase");
        return existsSync(file) ? readFileSync(file, "utf8") : undefined;
    };
    const stored = () => {
        const file = join(box.state, "secretsmanager-value");
        return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : undefined;
    };

    it("aws-kms: stores the init response first, sets up the reconciler's Kubernetes login, revokes root, records completion, prints no secret", async () => {
        fresh();
        const result = await bootstrap();
        assert.equal(result.code, 0, result.stderr);
        for (const secret of [ROOT_TOKEN, RECOVERY_KEY])
            assert.ok(!(result.stdout + result.stderr).includes(secret), "a secret was printed");
        assert.equal(stored()!.root_token, ROOT_TOKEN);
        assert.deepEqual(stored()!.recovery_keys_base64, Array(5).fill(RECOVERY_KEY));
        assert.equal(readFileSync(join(box.state, "secretsmanager-id"), "utf8"), SECRET_ID);
        assert.equal(phase(), "complete");
        const at = (pattern: RegExp) => calls(box).findIndex((c) => pattern.test(c));
        assert.ok(at(/describe-secret/) >= 0, "the secret is checked before Vault is initialised");
        assert.ok(at(/describe-secret/) < at(/create configmap vault-bootstrap-state --from-literal=phase=initialising/));
        assert.ok(at(/phase=initialising/) < at(/put-secret-value/));

        assert.deepEqual(
            vault.changes().map((w) => `${w.method} ${w.path}`),
            [
                "PUT /v1/sys/init",
                "POST /v1/sys/auth/kubernetes",
                "POST /v1/auth/kubernetes/config",
                `PUT /v1/sys/policies/acl/${RECONCILER_ROLE}`,
                `POST /v1/auth/kubernetes/role/${RECONCILER_ROLE}`,
            ],
        );
        assert.ok(
            vault
                .changes()
                .slice(1)
                .every((w) => w.token === ROOT_TOKEN && w.status === 204),
        );
        assert.equal(vault.store.get(`sys/policies/acl/${RECONCILER_ROLE}`)!.policy, desired.reconciler.policy);
        assert.deepEqual(vault.store.get(`auth/kubernetes/role/${RECONCILER_ROLE}`), desired.reconciler.role);
        const last = vault.requests.at(-1)!;
        assert.deepEqual([last.path, last.token, last.status], ["/v1/auth/token/revoke-self", ROOT_TOKEN, 204]);
        assert.deepEqual(readdirSync(box.work), [], "no credential is left in the work directory");
    });

    it("a second run against a completed Vault changes nothing", async () => {
        const before = vault.requests.length;
        const result = await bootstrap();
        assert.equal(result.code, 0);
        assert.match(result.stdout, /bootstrap completed; nothing to do/);
        assert.deepEqual(vault.changes(before), []);
    });

    it("sends one recovery share per custodian key and stores the shares Vault encrypted to them", async () => {
        fresh();
        const keys = ["a2V5LW9uZQ==", "a2V5LXR3bw==", "a2V5LXRocmVl"];
        const result = await bootstrap("aws-kms", undefined, { recovery_shares: 3, recovery_threshold: 2, recovery_pgp_keys: keys });
        assert.equal(result.code, 0, result.stderr);
        const init = vault.requests.find((r) => r.path === "/v1/sys/init" && r.method === "PUT")!;
        assert.deepEqual(JSON.parse(init.body), { recovery_shares: 3, recovery_threshold: 2, recovery_pgp_keys: keys });
        assert.deepEqual(stored()!.recovery_keys_base64, ["pgp-encrypted-share-0", "pgp-encrypted-share-1", "pgp-encrypted-share-2"]);
    });

    it("retries storing the init response inside the same attempt until it succeeds, as one Secrets Manager version", async () => {
        fresh();
        writeFileSync(join(box.state, "fail-put-secret-value"), "4");
        const result = await bootstrap();
        assert.equal(result.code, 0, result.stderr);
        assert.equal((result.stderr.match(/storing the init response failed/g) ?? []).length, 4);
        assert.equal(stored()!.root_token, ROOT_TOKEN);
        const tokens = readFileSync(join(box.state, "secretsmanager-tokens"), "utf8").trim().split("\n");
        assert.equal(tokens.length, 5);
        assert.equal(new Set(tokens).size, 1, "every retry carries the same client request token");
        assert.equal(phase(), "complete");
    });

    it("never exits 0 while the init response is not stored; the rerun then fails loudly with the runbook", async () => {
        fresh();
        writeFileSync(join(box.state, "fail-put-secret-value"), "1000000");
        const stuck = await bootstrap("aws-kms", 8_000);
        assert.equal(stuck.code, -1, "still retrying when stopped: it did not exit, and certainly not with 0");
        assert.equal(stored(), undefined);
        assert.equal(vault.initialized, true);
        assert.equal(phase(), "initialising");
        writeFileSync(join(box.state, "fail-put-secret-value"), "0");
        const rerun = await bootstrap();
        assert.notEqual(rerun.code, 0);
        assert.match(rerun.stderr, /initialised but its bootstrap did not complete \(recorded phase: initialising\).*vault-recovery\.md/);
    });

    it("fails before initialising when the recovery secret or the progress record cannot be reached, and a rerun completes", async () => {
        for (const failure of ["fail-describe-secret", "fail-kubectl-create"]) {
            fresh();
            writeFileSync(join(box.state, failure), "1");
            const failed = await bootstrap();
            assert.notEqual(failed.code, 0, failure);
            assert.equal(vault.initialized, false, `${failure}: nothing was initialised`);
            const rerun = await bootstrap();
            assert.equal(rerun.code, 0, `${failure}: ${rerun.stderr}`);
            assert.equal(phase(), "complete");
        }
    });

    // Every step after the response is stored: the run fails, the response stays stored, the rerun fails loudly.
    const afterStore: { step: string; inject: (vault: StandInVault, box: { state: string }) => void }[] = [
        // The first patch (recording "initialising") finds no ConfigMap and creates it; the second records "stored".
        { step: "recording 'stored'", inject: (_v, b) => writeFileSync(join(b.state, "fail-kubectl-patch"), "2") },
        { step: "enabling Kubernetes auth", inject: (v) => v.failures.set("POST /v1/sys/auth/kubernetes", Infinity) },
        { step: "configuring Kubernetes auth", inject: (v) => v.failures.set("POST /v1/auth/kubernetes/config", Infinity) },
        { step: "writing the reconciler policy", inject: (v) => v.failures.set(`PUT /v1/sys/policies/acl/${RECONCILER_ROLE}`, Infinity) },
        {
            step: "writing the reconciler role",
            inject: (v) => v.failures.set(`POST /v1/auth/kubernetes/role/${RECONCILER_ROLE}`, Infinity),
        },
        { step: "revoking the root token", inject: (v) => v.failures.set("POST /v1/auth/token/revoke-self", Infinity) },
    ];
    for (const { step, inject } of afterStore) {
        it(`a failure while ${step} leaves the response stored and makes every rerun fail loudly`, async () => {
            fresh();
            inject(vault, box);
            const failed = await bootstrap();
            assert.notEqual(failed.code, 0, `${step}: ${failed.stdout}`);
            assert.equal(stored()!.root_token, ROOT_TOKEN, "stored before the failure");
            assert.notEqual(phase(), "complete");
            vault.failures.clear();
            const rerun = await bootstrap();
            assert.notEqual(rerun.code, 0);
            assert.match(rerun.stderr, /initialised but its bootstrap did not complete.*Bootstrap did not complete/);
        });
    }

    it("insecure-local-shamir: keeps the unseal key in the local-only Secret, unseals, and records completion", async () => {
        fresh();
        vault.sealed = true;
        const result = await bootstrap("insecure-local-shamir", undefined, { secret_shares: 1, secret_threshold: 1 });
        assert.equal(result.code, 0, result.stderr);
        for (const secret of [ROOT_TOKEN, UNSEAL_KEY]) assert.ok(!(result.stdout + result.stderr).includes(secret));
        const kept = JSON.parse(readFileSync(join(box.state, "secret-vault-init-insecure-local", "init.json"), "utf8"));
        assert.equal(kept.keys_base64[0], UNSEAL_KEY);
        assert.equal(vault.sealed, false);
        assert.equal(phase(), "complete");
        assert.ok(!calls(box).some((c) => c.startsWith("aws ")), "no AWS call on kind");
    });
});
