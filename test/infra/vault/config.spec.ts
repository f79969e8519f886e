import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePlatformConfig } from "../../../infra/config";
import { configProblems, rawStackConfig } from "../../helpers/config";

const rawConfig = rawStackConfig;
const problems = (stack: string, changes: Record<string, unknown>): string[] => configProblems(stack, rawConfig(stack, changes));

const prodVault = () => rawConfig("prod").vault as Record<string, unknown>;

describe("vault config", () => {
    it("applies secure defaults: KMS unseal on EKS, three voters in prod, short tokens, rotating Transit keys", () => {
        const prod = parsePlatformConfig(
            "prod",
            rawConfig("prod", { vault: { database: prodVault().database, recovery: prodVault().recovery } }),
        );
        assert.deepEqual([prod.vault.recovery.pgpKeys, prod.vault.recovery.threshold], [[], 3]);
        assert.equal(prod.vault.unseal, "aws-kms");
        assert.equal(prod.vault.replicas, 3);
        assert.equal(prod.vault.tokenTtlSeconds, 900);
        assert.ok(prod.vault.transit.autoRotateDays <= 30);
        assert.equal(prod.vault.kv.casRequired, true);
        assert.equal(prod.vault.chart.version, "0.31.0");
        const local = parsePlatformConfig("local", rawConfig("local", { vault: undefined, services: [] }));
        assert.equal(local.vault.unseal, "insecure-local-shamir");
        assert.equal(local.vault.replicas, 1);
    });

    it("keeps the insecure local unseal out of every other environment", () => {
        const found = problems("staging", { vault: { ...(rawConfig("staging").vault as object), unseal: "insecure-local-shamir" } });
        assert.ok(
            found.some((p) => p.startsWith("secure-platform:vault.unseal: insecure-local-shamir") && p.includes("local environment only")),
            found.join("\n"),
        );
        const local = problems("local", { vault: { unseal: "aws-kms" }, services: [] });
        assert.ok(
            local.some((p) => p.startsWith("secure-platform:vault.unseal: aws-kms needs an EKS cluster")),
            local.join("\n"),
        );
    });

    it("rejects fewer than three or an even number of Raft voters where it matters", () => {
        assert.ok(
            problems("prod", { vault: { ...prodVault(), replicas: 1 } }).some((p) =>
                p.startsWith("secure-platform:vault.replicas: must be at least 3 in prod"),
            ),
        );
        assert.ok(
            problems("staging", { vault: { ...(rawConfig("staging").vault as object), replicas: 4 } }).some((p) =>
                p.startsWith("secure-platform:vault.replicas: must be odd"),
            ),
        );
    });

    it("bounds token lifetimes and Transit rotation", () => {
        const found = problems("prod", {
            vault: { ...prodVault(), tokenTtlSeconds: 7200, tokenMaxTtlSeconds: 3600, transit: { autoRotateDays: 365 } },
        });
        assert.ok(
            found.some((p) => p.startsWith("secure-platform:vault.tokenTtlSeconds: must not exceed tokenMaxTtlSeconds (3600)")),
            found.join("\n"),
        );
        assert.ok(
            found.some((p) => p.startsWith("secure-platform:vault.transit.autoRotateDays:") && p.includes("(got 365)")),
            found.join("\n"),
        );
        assert.ok(
            problems("prod", { vault: { ...prodVault(), tokenMaxTtlSeconds: 86400 } }).some((p) =>
                p.startsWith("secure-platform:vault.tokenMaxTtlSeconds:"),
            ),
        );
    });

    it("names the service that wants database credentials when no database is configured", () => {
        const vault = { ...prodVault() };
        delete vault.database;
        const found = problems("prod", { vault });
        assert.ok(
            found.some((p) => /^secure-platform:services\[3\]\.vault\.database: shop\/checkout asks for database credentials/.test(p)),
            found.join("\n"),
        );
    });

    it("rejects floating images and chart ranges", () => {
        const found = problems("prod", {
            vault: { ...prodVault(), image: "docker.io/hashicorp/vault:latest", chart: { version: "^0.31" } },
        });
        assert.ok(
            found.some((p) => p.startsWith("secure-platform:vault.image: must not use the floating tag :latest")),
            found.join("\n"),
        );
        assert.ok(
            found.some((p) => p.startsWith("secure-platform:vault.chart.version: must be an exact chart version")),
            found.join("\n"),
        );
        assert.ok(
            problems("prod", { vault: { ...prodVault(), toolsImage: "alpine/k8s" } }).some((p) =>
                p.startsWith("secure-platform:vault.toolsImage:"),
            ),
        );
        // It also runs policy-controller's uninstall hook, whose chart needs a tag.
        const digestOnly = problems("prod", {
            vault: { ...prodVault(), toolsImage: `registry.example.com/mirror/k8s@sha256:${"a".repeat(64)}` },
        });
        assert.ok(
            digestOnly.some((p) => p.startsWith("secure-platform:vault.toolsImage: needs a tag as well as any digest")),
            digestOnly.join("; "),
        );
    });

    describe("recovery custodians and the break-glass role", () => {
        // Real keys made by GnuPG in a throwaway home: what a custodian would export.
        const home = mkdtempSync(join(tmpdir(), "custodians-"));
        const gpg = (...args: string[]) =>
            execFileSync("gpg", ["--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", ...args], {
                stdio: "pipe",
            });
        const keyOf = (uid: string, algo: string, usage: string) => {
            gpg("--quick-gen-key", uid, algo, usage, "never");
            return uid;
        };
        let encrypting: string[] = [];
        let signOnly = "";
        let secret = "";
        let armoured = "";
        before(() => {
            const uids = ["Custodian One <one@example.com>", "Custodian Two <two@example.com>", "Custodian Three <three@example.com>"];
            encrypting = uids.map((uid) => gpg("--export", keyOf(uid, "future-default", "default")).toString("base64"));
            signOnly = gpg("--export", keyOf("Signer <signer@example.com>", "ed25519", "sign")).toString("base64");
            secret = gpg("--export-secret-keys", uids[0]!).toString("base64");
            armoured = gpg("--armor", "--export", uids[0]!).toString("utf8");
        });
        after(() => rmSync(home, { recursive: true, force: true }));

        const withRecovery = (recovery: Record<string, unknown>) =>
            problems("prod", { vault: { ...prodVault(), recovery: { ...(prodVault().recovery as object), ...recovery } } });

        it("accepts one real OpenPGP public key per custodian, and sends one share to each", () => {
            assert.deepEqual(withRecovery({ pgpKeys: encrypting, threshold: 2 }), []);
            const config = parsePlatformConfig(
                "prod",
                rawConfig("prod", {
                    vault: { ...prodVault(), recovery: { ...(prodVault().recovery as object), pgpKeys: encrypting, threshold: 2 } },
                }),
            );
            assert.equal(config.vault.recovery.pgpKeys.length, 3);
        });

        it("names the key that is not one Vault can encrypt a share to, and why", () => {
            const found = withRecovery({ pgpKeys: [encrypting[0], signOnly, secret, armoured, "bm90IGEga2V5"], threshold: 2 });
            const about = (i: number) => found.find((p) => p.startsWith(`secure-platform:vault.recovery.pgpKeys[${i}]:`)) ?? "";
            assert.equal(about(0), "");
            assert.match(about(1), /no key that can encrypt/);
            assert.match(about(2), /secret key material/);
            assert.match(about(3), /ASCII-armoured; Vault takes the base64 of the binary key/);
            assert.match(about(4), /not an OpenPGP key|does not start with an OpenPGP public key/);
            assert.ok(!found.some((p) => p.includes(encrypting[0]!.slice(0, 40))), "a key's bytes are not echoed");
        });

        it("keeps the threshold within the shares and above one when shares are split", () => {
            assert.ok(
                withRecovery({ pgpKeys: encrypting, threshold: 4 }).some((p) =>
                    p.startsWith("secure-platform:vault.recovery.threshold: must not exceed the number of recovery shares (3"),
                ),
            );
            assert.ok(
                withRecovery({ pgpKeys: encrypting, threshold: 1 }).some((p) =>
                    p.startsWith("secure-platform:vault.recovery.threshold: must be at least 2"),
                ),
            );
        });

        it("requires a break-glass role ARN with KMS unseal, and refuses custodian keys for the local Shamir key", () => {
            const vault = { ...prodVault(), recovery: {} };
            assert.ok(
                problems("prod", { vault }).some((p) =>
                    p.startsWith("secure-platform:vault.recovery.breakGlassRoleArn: is required with aws-kms"),
                ),
            );
            assert.ok(
                withRecovery({ breakGlassRoleArn: "vault-break-glass" }).some((p) =>
                    p.startsWith("secure-platform:vault.recovery.breakGlassRoleArn: must be an IAM role ARN"),
                ),
            );
            const local = problems("local", { vault: { ...(rawConfig("local").vault as object), recovery: { pgpKeys: encrypting } } });
            assert.ok(
                local.some((p) => p.startsWith("secure-platform:vault.recovery.pgpKeys: applies to aws-kms recovery keys")),
                local.join("\n"),
            );
        });
    });

    it("rejects unknown keys under vault", () => {
        assert.ok(
            problems("prod", { vault: { ...prodVault(), rootToken: "x" } }).some(
                (p) => p.startsWith("secure-platform:vault.rootToken:") && p.includes("not a known key"),
            ),
        );
    });
});
