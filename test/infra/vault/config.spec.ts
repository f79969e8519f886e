import assert from "node:assert/strict";
import { parsePlatformConfig } from "../../../infra/config";
import { configProblems, rawStackConfig } from "../../helpers/config";

const rawConfig = rawStackConfig;
const problems = (stack: string, changes: Record<string, unknown>): string[] => configProblems(stack, rawConfig(stack, changes));

const prodVault = () => rawConfig("prod").vault as Record<string, unknown>;

describe("vault config", () => {
    it("applies secure defaults: KMS unseal on EKS, three voters in prod, short tokens, rotating Transit keys", () => {
        const prod = parsePlatformConfig("prod", rawConfig("prod", { vault: { database: prodVault().database } }));
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

    it("rejects unknown keys under vault", () => {
        assert.ok(
            problems("prod", { vault: { ...prodVault(), rootToken: "x" } }).some(
                (p) => p.startsWith("secure-platform:vault.rootToken:") && p.includes("not a known key"),
            ),
        );
    });
});
