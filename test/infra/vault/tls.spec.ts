// The TLS job's script run for real (sh, openssl, base64, jq) against a stand-in kubectl that keeps objects
// on disk, with lifetimes shortened so that renewal and CA rotation happen within the test.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serverCertificateNames } from "../../../infra/vault/values";
import { TLS_LIFETIMES, auditRotation, reloaderScript, tlsRenewScript } from "../../../infra/vault/tls";

const FIXTURES = join(__dirname, "fixtures", "tls");
const names = serverCertificateNames("vault");
const script = tlsRenewScript({
    namespace: "vault",
    dnsNames: names.dns,
    ipAddresses: names.ips,
    bundleNamespaces: ["shop", "payments"],
    serverSecret: "vault-tls",
    caConfigMap: "vault-ca",
});

interface Cluster {
    state: string;
    run(env?: Record<string, string>): { status: number | null; stdout: string; stderr: string };
    file(namespace: string, kind: string, name: string, key: string): string;
    path(namespace: string, kind: string, name: string, key: string): string;
}

function cluster(): Cluster {
    const state = mkdtempSync(join(tmpdir(), "vault-tls-"));
    const work = join(state, "work");
    mkdirSync(work);
    const path = (namespace: string, kind: string, name: string, key: string) => join(state, namespace, kind, name, key);
    return {
        state,
        // /work is where the job's memory volume is; the script cds there, so the test points it at a temp dir.
        run: (env = {}) =>
            spawnSync("sh", ["-c", script.replace("cd /work", `cd ${work}`)], {
                encoding: "utf8",
                env: { PATH: `${FIXTURES}:${process.env.PATH}`, STATE: state, ...env },
            }),
        file: (namespace, kind, name, key) => readFileSync(path(namespace, kind, name, key), "utf8"),
        path,
    };
}

const openssl = (...args: string[]) => execFileSync("openssl", args, { encoding: "utf8" });
const verifies = (caFile: string, certFile: string) => spawnSync("openssl", ["verify", "-CAfile", caFile, certFile]).status === 0;
const serial = (c: Cluster) => openssl("x509", "-noout", "-serial", "-in", c.path("vault", "secret", "vault-tls", "tls.crt"));
const certificates = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
const DAY = 86400;

describe("vault TLS: issue, renew and rotate without a person", () => {
    it("issues a 90-day server certificate for every name, from a kept CA, and publishes the bundle to Vault and its clients", () => {
        const c = cluster();
        const first = c.run();
        assert.equal(first.status, 0, first.stderr);
        assert.match(first.stdout, /CA created/);
        assert.match(first.stdout, /server certificate issued \(absent\), valid 90 days/);
        const tls = c.path("vault", "secret", "vault-tls", "tls.crt");
        const text = openssl("x509", "-noout", "-text", "-in", tls);
        for (const name of names.dns) assert.ok(text.includes(`DNS:${name}`), name);
        assert.match(text, /IP Address:127\.0\.0\.1/);
        const endsWithin = (seconds: number) =>
            spawnSync("openssl", ["x509", "-noout", "-checkend", String(seconds), "-in", tls]).status !== 0;
        assert.ok(!endsWithin((TLS_LIFETIMES.serverDays - 1) * DAY) && endsWithin(TLS_LIFETIMES.serverDays * DAY + 3600));
        for (const ns of ["vault", "shop", "payments"]) {
            assert.ok(verifies(c.path(ns, "configmap", "vault-ca", "ca.crt"), tls), `bundle in ${ns}`);
        }
        // The CA key is kept (renewal needs it), in its own Secret, never in a ConfigMap.
        assert.match(c.file("vault", "secret", "vault-ca-keypair", "ca.key"), /PRIVATE KEY/);
        assert.doesNotMatch(c.file("vault", "configmap", "vault-ca", "ca.crt"), /PRIVATE KEY/);
    });

    it("changes nothing when nothing is due", () => {
        const c = cluster();
        assert.equal(c.run().status, 0);
        const before = serial(c);
        const key = c.file("vault", "secret", "vault-ca-keypair", "ca.key");
        const second = c.run();
        assert.equal(second.status, 0, second.stderr);
        assert.match(second.stdout, /nothing to do/);
        assert.equal(serial(c), before);
        assert.equal(c.file("vault", "secret", "vault-ca-keypair", "ca.key"), key);
    });

    it("renews a 1-day server certificate that is inside its renewal window, with a new key, from the same CA", () => {
        const c = cluster();
        assert.equal(c.run({ SERVER_DAYS: "1" }).status, 0);
        const before = serial(c);
        const key = c.file("vault", "secret", "vault-tls", "tls.key");
        const renewed = c.run({ SERVER_DAYS: "1", SERVER_RENEW_SECONDS: String(2 * DAY) });
        assert.equal(renewed.status, 0, renewed.stderr);
        assert.match(renewed.stdout, /server certificate issued \(due for renewal\)/);
        assert.notEqual(serial(c), before);
        assert.notEqual(c.file("vault", "secret", "vault-tls", "tls.key"), key);
        assert.ok(verifies(c.path("shop", "configmap", "vault-ca", "ca.crt"), c.path("vault", "secret", "vault-tls", "tls.crt")));
    });

    it("rotates the CA with an overlap: the successor is trusted first, signs later, and the retired CA stays trusted", () => {
        const c = cluster();
        // A 2-day CA, renewed when an hour is left: not yet due.
        assert.equal(c.run({ CA_DAYS: "2", CA_RENEW_SECONDS: "3600" }).status, 0);
        const oldServer = join(c.state, "old-server.crt");
        writeFileSync(oldServer, c.file("vault", "secret", "vault-tls", "tls.crt"));
        const oldCa = join(c.state, "old-ca.crt");
        writeFileSync(oldCa, c.file("vault", "secret", "vault-ca-keypair", "ca.crt"));

        // The CA is within its renewal window: a successor appears in every bundle, but does not sign yet.
        const trusted = c.run({ CA_DAYS: "2", CA_RENEW_SECONDS: String(3 * DAY) });
        assert.equal(trusted.status, 0, trusted.stderr);
        assert.match(trusted.stdout, /successor CA created/);
        assert.match(trusted.stdout, /server certificate kept; its bundle updated/);
        const bundle = c.path("payments", "configmap", "vault-ca", "ca.crt");
        assert.equal(certificates(readFileSync(bundle, "utf8")), 2);
        assert.equal(c.file("vault", "secret", "vault-tls", "tls.crt"), readFileSync(oldServer, "utf8"));
        assert.equal(c.file("vault", "secret", "vault-tls", "ca.crt"), readFileSync(bundle, "utf8"), "Vault's own bundle follows");

        // The overlap has passed: the successor signs, the server certificate is reissued by it.
        const switched = c.run({ CA_DAYS: "2", CA_RENEW_SECONDS: String(3 * DAY), CA_OVERLAP_SECONDS: "0" });
        assert.equal(switched.status, 0, switched.stderr);
        assert.match(switched.stdout, /successor CA now signs/);
        assert.match(switched.stdout, /server certificate issued \(not signed by the signing CA\)/);
        const newServer = c.path("vault", "secret", "vault-tls", "tls.crt");
        // A client with the old bundle (only the old CA) still reaches a server that has the old certificate, and a
        // client with the new bundle reaches both: no moment at which a client and the server disagree.
        assert.ok(verifies(bundle, newServer), "new bundle, new certificate");
        assert.ok(verifies(bundle, oldServer), "new bundle, old certificate");
        assert.ok(verifies(oldCa, oldServer), "old bundle, old certificate");
        assert.ok(!verifies(oldCa, newServer), "the new certificate really comes from the new CA");
        assert.notEqual(c.file("vault", "secret", "vault-ca-keypair", "ca.crt"), readFileSync(oldCa, "utf8"));
        assert.equal(c.file("vault", "secret", "vault-ca-keypair", "previous.crt"), readFileSync(oldCa, "utf8"));
    });

    it("reissues when the configured names change", () => {
        const c = cluster();
        assert.equal(c.run().status, 0);
        const other = spawnSync(
            "sh",
            ["-c", script.replace("cd /work", `cd ${join(c.state, "work")}`).replace("DNS:localhost", "DNS:vault.example.internal")],
            {
                encoding: "utf8",
                env: { PATH: `${FIXTURES}:${process.env.PATH}`, STATE: c.state },
            },
        );
        assert.equal(other.status, 0, other.stderr);
        assert.match(other.stdout, /server certificate issued \(names changed\)/);
    });

    it("fails, and mints nothing, when the API cannot be read: an outage never looks like a missing CA", () => {
        const c = cluster();
        writeFileSync(join(c.state, "api-down"), "");
        const run = c.run();
        assert.notEqual(run.status, 0);
        assert.match(run.stderr, /reading secret\/vault-ca-keypair failed: Unable to connect/);
        assert.doesNotMatch(run.stdout, /CA created/);
        assert.ok(!existsSync(join(c.state, "vault")), "no object was written");
    });
});

describe("vault reloader: SIGHUP on a renewed certificate and a full audit log", () => {
    it("keeps the live audit log and its rotations within half the audit volume", () => {
        const { maxBytes, keep } = auditRotation(10 * 1024 ** 3);
        assert.ok(maxBytes * (keep + 1) <= (10 * 1024 ** 3) / 2);
        assert.ok(maxBytes > 100 * 1024 ** 2, "files large enough not to rotate every few seconds");
    });

    it("signals Vault once per change and rotates the audit log, keeping a fixed number of files", () => {
        const dir = mkdtempSync(join(tmpdir(), "vault-reloader-"));
        const certificate = join(dir, "tls.crt");
        const auditLog = join(dir, "vault-audit.log");
        writeFileSync(certificate, "first");
        writeFileSync(auditLog, "x".repeat(10));
        for (const i of [1, 2]) writeFileSync(`${auditLog}.${i}`, `rotated ${i}`);
        // Stand-ins: `sleep` runs the next step of the scenario (and ends the loop after the last); `pkill` records.
        const bin = join(dir, "bin");
        mkdirSync(bin);
        const steps = [
            "", // nothing changed: no signal
            `printf second > ${certificate}`, // renewed certificate
            `printf '%0100d' 0 > ${auditLog}`, // audit log past its size
        ];
        steps.forEach((step, i) => writeFileSync(join(dir, `step-${i + 1}`), step));
        writeFileSync(
            join(bin, "sleep"),
            `#!/bin/sh\nn=$(($(cat ${dir}/n 2>/dev/null || echo 0) + 1)); echo $n > ${dir}/n\n[ -f ${dir}/step-$n ] || exit 1\n. ${dir}/step-$n\n`,
            { mode: 0o755 },
        );
        writeFileSync(join(bin, "pkill"), `#!/bin/sh\necho "pkill $* after step $(cat ${dir}/n)" >> ${dir}/signals\n`, { mode: 0o755 });
        const run = spawnSync("sh", ["-c", reloaderScript({ certificate, auditLog, maxBytes: 50, keep: 2 })], {
            encoding: "utf8",
            env: { PATH: `${bin}:${process.env.PATH}` },
        });
        assert.notEqual(run.status, 0, "the loop ends only when the stand-in sleep does");
        const signals = readFileSync(join(dir, "signals"), "utf8").trim().split("\n");
        // Step 1 changes nothing; step 2 the certificate; step 3 fills the audit log; a fourth sleep ends the loop.
        assert.deepEqual(signals, ["pkill -HUP -x vault after step 2", "pkill -HUP -x vault after step 3"]);
        assert.equal(readFileSync(`${auditLog}.1`, "utf8"), "0".repeat(100));
        assert.equal(readFileSync(`${auditLog}.2`, "utf8"), "rotated 1", "older files move up; the oldest beyond keep is gone");
        assert.ok(!existsSync(auditLog), "Vault reopens the file after SIGHUP");
        assert.ok(!existsSync(`${auditLog}.3`));
    });
});
