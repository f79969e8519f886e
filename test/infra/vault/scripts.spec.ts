// Runs the jobs' shell scripts for real (sh, curl, jq, openssl) against a stand-in Vault served over HTTPS
// with the certificate the TLS script issued, with kubectl and the AWS CLI replaced by recording stubs.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { snapshotScript, tlsScript, unsealScript } from "../../../infra/vault/scripts";
import { serverCertificateNames } from "../../../infra/vault/values";
import { calls, RECOVERY_KEY, ROOT_TOKEN, runJob as runScript, sandbox, UNSEAL_KEY, type JobResult, type Sandbox } from "./stand-in-vault";

const SNAPSHOT_TOKEN = "hvs.snapshot-token-0123456789";
const SNAPSHOT_BYTES = Buffer.from("raft snapshot bytes \u0000\u0001\u0002");

interface Recorded {
    method: string;
    path: string;
    token?: string;
    body: string;
}

/** A stand-in for Vault's HTTP API: just the endpoints the jobs call, with Vault's response shapes. */
class FakeVault {
    readonly requests: Recorded[] = [];
    initialized = false;
    sealed = false;
    private server?: Server;

    async start(key: Buffer, cert: Buffer): Promise<string> {
        this.server = createServer({ key, cert }, (req, res) => {
            let body = "";
            req.on("data", (chunk) => (body += chunk));
            req.on("end", () => {
                const url = new URL(req.url ?? "/", "https://vault");
                const token = req.headers["x-vault-token"] as string | undefined;
                this.requests.push({ method: req.method ?? "", path: url.pathname, token, body });
                const json = (status: number, value?: unknown) => {
                    res.writeHead(status, { "content-type": "application/json" });
                    res.end(value === undefined ? "" : JSON.stringify(value));
                };
                const authorised = token === ROOT_TOKEN || token === SNAPSHOT_TOKEN;
                switch (`${req.method} ${url.pathname}`) {
                    case "GET /v1/sys/health":
                        return json(
                            this.initialized && !this.sealed
                                ? 200
                                : Number(url.searchParams.get(this.initialized ? "sealedcode" : "uninitcode") ?? 501),
                            {},
                        );
                    case "GET /v1/sys/init":
                        return json(200, { initialized: this.initialized });
                    case "PUT /v1/sys/init": {
                        if (this.initialized) return json(400, { errors: ["Vault is already initialized"] });
                        this.initialized = true;
                        const request = JSON.parse(body) as Record<string, number>;
                        return json(
                            200,
                            request.recovery_shares
                                ? {
                                      keys: [],
                                      keys_base64: [],
                                      recovery_keys: ["aa"],
                                      recovery_keys_base64: [RECOVERY_KEY],
                                      root_token: ROOT_TOKEN,
                                  }
                                : { keys: ["bb"], keys_base64: [UNSEAL_KEY], root_token: ROOT_TOKEN },
                        );
                    }
                    case "GET /v1/sys/seal-status":
                        return json(200, { sealed: this.sealed });
                    case "PUT /v1/sys/unseal":
                        if (JSON.parse(body).key !== UNSEAL_KEY) return json(400, { errors: ["wrong key"] });
                        this.sealed = false;
                        return json(200, { sealed: false });
                    case "POST /v1/auth/kubernetes/login":
                        return json(200, { auth: { client_token: SNAPSHOT_TOKEN, policies: ["vault-snapshot"] } });
                    case "GET /v1/sys/storage/raft/snapshot":
                        if (token !== SNAPSHOT_TOKEN) return json(403, { errors: ["permission denied"] });
                        res.writeHead(200, { "content-type": "application/gzip" });
                        return res.end(SNAPSHOT_BYTES);
                    default:
                        if (!authorised) return json(403, { errors: ["permission denied"] });
                        return json(204);
                }
            });
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        return `https://localhost:${(this.server!.address() as AddressInfo).port}`;
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
    }

    /** Requests after the health and init-status probes. */
    writes(): Recorded[] {
        return this.requests.filter((r) => !(r.method === "GET" && ["/v1/sys/health", "/v1/sys/init"].includes(r.path)));
    }
}

/** The job's script run in the sandbox; a script that fails fails the test with its output. */
async function runJob(box: Sandbox, script: string, env: Record<string, string>, paths: Record<string, string> = {}): Promise<JobResult> {
    const result = await runScript(box, script, env, paths);
    assert.equal(result.code, 0, `the job exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    return result;
}

describe("vault job scripts, run", function () {
    this.timeout(300_000);
    const box = sandbox();
    const vault = new FakeVault();
    let address = "";
    let caFile = "";

    before(async () => {
        for (const tool of ["sh", "curl", "jq", "openssl", "base64"]) {
            assert.doesNotThrow(
                () => execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "pipe" }),
                `${tool} is needed to run the job scripts`,
            );
        }
    });

    after(async () => {
        await vault.stop();
        rmSync(box.dir, { recursive: true, force: true });
    });

    it("tls: issues a CA and a server certificate for every Vault name, publishes only the CA, and keeps them on a re-run", async () => {
        const names = serverCertificateNames("vault");
        const script = tlsScript({ namespace: "vault", dnsNames: names.dns, ipAddresses: names.ips, validityDays: 730 });
        const first = await runJob(box, script, {});
        assert.match(first.stdout, /vault-tls created/);
        const secret = join(box.state, "secret-vault-tls");
        assert.deepEqual(readdirSync(secret).sort(), ["ca.crt", "tls.crt", "tls.key"]);
        const verify = execFileSync("openssl", ["verify", "-CAfile", join(secret, "ca.crt"), join(secret, "tls.crt")], {
            encoding: "utf8",
        });
        assert.match(verify, /OK/);
        const text = execFileSync("openssl", ["x509", "-in", join(secret, "tls.crt"), "-noout", "-text"], { encoding: "utf8" });
        for (const name of ["vault.vault.svc", "vault-active.vault.svc", "*.vault-internal.vault.svc", "localhost"])
            assert.ok(text.includes(`DNS:${name}`), name);
        assert.match(text, /IP Address:127\.0\.0\.1/);
        assert.equal(readFileSync(join(box.state, "configmap-vault-ca", "ca.crt"), "utf8"), readFileSync(join(secret, "ca.crt"), "utf8"));
        assert.deepEqual(readdirSync(join(box.state, "configmap-vault-ca")), ["ca.crt"], "the ConfigMap holds the CA certificate only");
        assert.ok(!readdirSync(box.work).some((f) => f.endsWith(".key")), "no private key is left behind");

        const before = readFileSync(join(secret, "tls.crt"), "utf8");
        const second = await runJob(box, script, {});
        assert.match(second.stdout, /vault-tls exists; keeping it/);
        assert.equal(readFileSync(join(secret, "tls.crt"), "utf8"), before);
        assert.equal(calls(box).filter((c) => c.includes("create secret")).length, 1);

        caFile = join(box.dir, "ca.crt");
        writeFileSync(caFile, readFileSync(join(secret, "ca.crt")));
        address = await vault.start(readFileSync(join(secret, "tls.key")), readFileSync(join(secret, "tls.crt")));
    });

    // The bootstrap job has its own spec (bootstrap.spec.ts) against a stand-in Vault with state.
    it("unseal (insecure-local-shamir): unseals sealed pods with the key the bootstrap job kept, printing no key", async () => {
        vault.initialized = true;
        vault.sealed = true;
        const initFile = join(box.dir, "vault-init");
        mkdirSync(initFile, { recursive: true });
        writeFileSync(join(initFile, "init.json"), JSON.stringify({ keys_base64: [UNSEAL_KEY], root_token: ROOT_TOKEN }));
        const unseal = await runJob(
            box,
            unsealScript(1, "vault"),
            {},
            {
                "/vault-ca/ca.crt": caFile,
                "/vault-init": initFile,
                "https://vault-0.vault-internal.vault.svc:8200": address,
            },
        );
        assert.match(unseal.stdout, /unsealed https:\/\/localhost/);
        assert.ok(!(unseal.stdout + unseal.stderr).includes(UNSEAL_KEY));
        assert.equal(vault.sealed, false);
    });

    it("snapshot (s3): logs in with its projected token, uploads the snapshot encrypted with the backup key, revokes its token", async () => {
        vault.requests.length = 0;
        const tokenDir = join(box.dir, "sa-token");
        mkdirSync(tokenDir, { recursive: true });
        writeFileSync(join(tokenDir, "token"), "eyJhbGciOiJSUzI1NiJ9.projected.token\n");
        const result = await runJob(
            box,
            snapshotScript("s3"),
            {
                VAULT_ADDR: address,
                VAULT_ROLE: "vault-snapshot",
                BUCKET: "platform-prod-vault-snapshots-123456789012",
                KMS_KEY_ARN: "arn:aws:kms:eu-west-1:123456789012:key/backup",
                AWS_REGION: "eu-west-1",
            },
            { "/vault-ca/ca.crt": caFile, "/var/run/secrets/vault": tokenDir },
        );
        assert.ok(!(result.stdout + result.stderr).includes(SNAPSHOT_TOKEN));
        const login = vault.requests.find((r) => r.path === "/v1/auth/kubernetes/login")!;
        assert.deepEqual(JSON.parse(login.body), { role: "vault-snapshot", jwt: "eyJhbGciOiJSUzI1NiJ9.projected.token" });
        assert.deepEqual(readFileSync(join(box.state, "s3-object")), SNAPSHOT_BYTES);
        assert.match(
            readFileSync(join(box.state, "s3-key"), "utf8"),
            /^s3:\/\/platform-prod-vault-snapshots-123456789012\/snapshots\/vault-\d{8}T\d{6}Z\.snap$/,
        );
        const upload = calls(box).find((c) => c.startsWith("aws s3 cp"))!;
        assert.match(upload, /--sse aws:kms --sse-kms-key-id arn:aws:kms:eu-west-1:123456789012:key\/backup/);
        const last = vault.requests.at(-1)!;
        assert.deepEqual([last.path, last.token], ["/v1/auth/token/revoke-self", SNAPSHOT_TOKEN]);
        assert.deepEqual(readdirSync(box.work), []);
    });

    it("snapshot (volume): keeps the snapshot on the volume", async () => {
        const tokenDir = join(box.dir, "sa-token");
        const volume = join(box.dir, "snapshots");
        mkdirSync(volume, { recursive: true });
        await runJob(
            box,
            snapshotScript("volume"),
            { VAULT_ADDR: address, VAULT_ROLE: "vault-snapshot", RETENTION_DAYS: "3" },
            {
                "/vault-ca/ca.crt": caFile,
                "/var/run/secrets/vault": tokenDir,
                "/snapshots": volume,
            },
        );
        const files = readdirSync(volume);
        assert.equal(files.length, 1);
        assert.deepEqual(readFileSync(join(volume, files[0]!)), SNAPSHOT_BYTES);
        assert.ok(existsSync(join(volume, files[0]!)));
    });
});
