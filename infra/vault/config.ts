import { z } from "zod";
import type { Environment } from "../environments";
import { chartVersion, quantity } from "../lib/schema";
import { openPgpPublicKeyProblem } from "./openpgp";

/** How Vault unseals: AWS KMS on EKS; on kind, Shamir keys kept in a Kubernetes Secret (local only). */
export const UNSEAL_MODES = ["aws-kms", "insecure-local-shamir"] as const;
export type UnsealMode = (typeof UNSEAL_MODES)[number];

/** Replicas per environment when config does not say: quorum of three where data matters. */
const DEFAULT_REPLICAS: Record<Environment, number> = { local: 1, dev: 1, staging: 3, prod: 3 };

const HOUR = 3600;
const DAY = 24 * HOUR;

/** An image reference: registry/repository with a tag, a digest, or both; never :latest. */
const image = z
    .string()
    .regex(
        /^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._/-]+(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$/,
        "must be registry/repository:tag or @sha256:digest, such as docker.io/hashicorp/vault:1.20.1",
    )
    .refine((ref) => /(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/.test(ref.replace(/^[^/]+\//, "")), "must pin a tag or a digest")
    .refine((ref) => !/:latest(@|$)/.test(ref), "must not use the floating tag :latest");

const resources = z.strictObject({
    cpuRequest: quantity.default("250m"),
    memoryRequest: quantity.default("256Mi"),
    cpuLimit: quantity.default("1"),
    memoryLimit: quantity.default("1Gi"),
});

const database = z.strictObject({
    /** PostgreSQL host reachable from the Vault pods (RDS endpoint, or a service DNS name). */
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(5432),
    database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "must be a PostgreSQL database name"),
    /** The administrative user Vault manages others with; Vault rotates its password after connecting. */
    username: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a PostgreSQL role name"),
    /** Set with `pulumi config set --secret`; the program only ever handles it as a Pulumi secret. */
    password: z.string().min(1),
    sslMode: z.enum(["require", "verify-ca", "verify-full"]).default("verify-full"),
    dynamicTtlSeconds: z.number().int().min(60).max(DAY).default(HOUR),
    dynamicMaxTtlSeconds: z
        .number()
        .int()
        .min(60)
        .max(7 * DAY)
        .default(DAY),
    staticRotationPeriodSeconds: z
        .number()
        .int()
        .min(HOUR)
        .max(30 * DAY)
        .default(DAY),
});

/** Who holds Vault's recovery keys (EKS), and the one role that may read the recovery secret. */
const recovery = z.strictObject({
    /**
     * One OpenPGP public key per custodian (base64 of the binary key, `gpg --export <fingerprint> | base64 -w0`):
     * Vault encrypts each recovery share to one of them, so no single secret holds every share. Empty: five
     * shares in the recovery secret, readable by the break-glass role only.
     */
    pgpKeys: z.array(z.string().min(1)).default([]),
    /** Shares needed to generate a root token. */
    threshold: z.number().int().min(1).max(10).default(3),
    /** The IAM role that alone may read the recovery secret and decrypt with its key (required on EKS). */
    breakGlassRoleArn: z
        .string()
        .regex(
            /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
            "must be an IAM role ARN such as arn:aws:iam::123456789012:role/vault-break-glass",
        )
        .optional(),
});

/** HashiCorp's chart and the Vault image it runs, pinned; Renovate proposes updates (renovate.json). */
export const VAULT_CHART = {
    repo: "https://helm.releases.hashicorp.com",
    // renovate: datasource=helm registryUrl=https://helm.releases.hashicorp.com depName=vault
    version: "0.31.0",
} as const;
// renovate: datasource=docker depName=docker.io/hashicorp/vault
export const VAULT_IMAGE = "docker.io/hashicorp/vault:1.20.1";

export function vaultSchema(environment: Environment) {
    return z.strictObject({
        chart: z
            .strictObject({
                version: chartVersion.default(VAULT_CHART.version),
                repo: z.url().default(VAULT_CHART.repo),
            })
            .default({ version: VAULT_CHART.version, repo: VAULT_CHART.repo }),
        image: image.default(VAULT_IMAGE),
        /** Runs the TLS, bootstrap and snapshot jobs: needs sh, curl, jq, openssl, kubectl and the AWS CLI. */
        toolsImage: image.default("docker.io/alpine/k8s:1.33.4"),
        replicas: z.number().int().min(1).max(7).default(DEFAULT_REPLICAS[environment]),
        /** Default: aws-kms on EKS, insecure-local-shamir on an existing (kind) cluster. */
        unseal: z.enum(UNSEAL_MODES).optional(),
        resources: resources.default(resources.parse({})),
        dataStorageSize: quantity.default("10Gi"),
        auditStorageSize: quantity.default("10Gi"),
        /** Data, audit and snapshot claims. Empty: on EKS the class the cluster creates (encrypted gp3), elsewhere the cluster's default. */
        storageClass: z.string().min(1).optional(),
        recovery: recovery.default({ pgpKeys: [], threshold: 3 }),
        /** Bounds of every service role's tokens, in seconds; short-lived by default. */
        tokenTtlSeconds: z
            .number()
            .int()
            .min(60)
            .max(4 * HOUR)
            .default(15 * 60),
        tokenMaxTtlSeconds: z
            .number()
            .int()
            .min(60)
            .max(4 * HOUR)
            .default(HOUR),
        kv: z
            .strictObject({
                maxVersions: z.number().int().min(1).max(100).default(10),
                casRequired: z.boolean().default(true),
            })
            .default({ maxVersions: 10, casRequired: true }),
        transit: z
            .strictObject({
                autoRotateDays: z.number().int().min(1).max(90).default(30),
                keyType: z.enum(["aes256-gcm96", "chacha20-poly1305"]).default("aes256-gcm96"),
            })
            .default({ autoRotateDays: 30, keyType: "aes256-gcm96" }),
        database: database.optional(),
        backups: z
            .strictObject({
                /** Cron schedule of Raft snapshots, in UTC. */
                schedule: z
                    .string()
                    .regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron schedule such as "0 */6 * * *"')
                    .default("0 */6 * * *"),
                retentionDays: z
                    .number()
                    .int()
                    .min(1)
                    .max(3650)
                    .default(environment === "prod" ? 90 : 30),
            })
            .default({ schedule: "0 */6 * * *", retentionDays: environment === "prod" ? 90 : 30 }),
    });
}

export type VaultConfigInput = z.infer<ReturnType<typeof vaultSchema>>;
export type VaultDatabaseConfig = z.infer<typeof database>;
export type VaultConfig = Omit<VaultConfigInput, "unseal"> & { unseal: UnsealMode };

/** Fills the unseal mode the cluster implies when config does not name one. */
export function resolveVaultConfig(vault: VaultConfigInput, clusterMode: "eks" | "existing"): VaultConfig {
    return { ...vault, unseal: vault.unseal ?? (clusterMode === "eks" ? "aws-kms" : "insecure-local-shamir") };
}

/** Cross-field rules for the vault key, reported through the platform's issue() helper. */
export function vaultRules(
    vault: VaultConfigInput,
    context: {
        environment: Environment;
        clusterMode: "eks" | "existing";
        services: { name: string; namespace: string; vault?: { database?: unknown } | undefined }[];
    },
    issue: (path: (string | number)[], message: string, input?: unknown) => void,
): void {
    const unseal = resolveVaultConfig(vault, context.clusterMode).unseal;
    if (unseal === "insecure-local-shamir" && context.environment !== "local") {
        issue(
            ["vault", "unseal"],
            `insecure-local-shamir keeps unseal keys in a Kubernetes Secret and is for the local environment only; ${context.environment} uses aws-kms`,
            unseal,
        );
    }
    if (unseal === "aws-kms" && context.clusterMode !== "eks") {
        issue(
            ["vault", "unseal"],
            "aws-kms needs an EKS cluster (cluster.mode: eks); on an existing cluster use insecure-local-shamir",
            unseal,
        );
    }
    recoveryRules(vault.recovery, unseal, issue);
    if (context.environment === "prod" && vault.replicas < 3) {
        issue(
            ["vault", "replicas"],
            "must be at least 3 in prod so that Raft keeps quorum through the loss of a node or a zone",
            vault.replicas,
        );
    }
    if (vault.replicas % 2 === 0) {
        issue(
            ["vault", "replicas"],
            "must be odd (1, 3, 5 or 7): an even Raft cluster tolerates no more failures than the odd one below it",
            vault.replicas,
        );
    }
    if (vault.tokenTtlSeconds > vault.tokenMaxTtlSeconds) {
        issue(["vault", "tokenTtlSeconds"], `must not exceed tokenMaxTtlSeconds (${vault.tokenMaxTtlSeconds})`, vault.tokenTtlSeconds);
    }
    const db = vault.database;
    if (db && db.dynamicTtlSeconds > db.dynamicMaxTtlSeconds) {
        issue(
            ["vault", "database", "dynamicTtlSeconds"],
            `must not exceed dynamicMaxTtlSeconds (${db.dynamicMaxTtlSeconds})`,
            db.dynamicTtlSeconds,
        );
    }
    context.services.forEach((service, i) => {
        if (service.vault?.database && !db) {
            issue(
                ["services", i, "vault", "database"],
                `${service.namespace}/${service.name} asks for database credentials but vault.database (the PostgreSQL connection) is not configured`,
                service.vault.database,
            );
        }
    });
}

/** Recovery custodians' keys are real public keys, the threshold fits the shares, and a break-glass role is named where recovery keys exist. */
function recoveryRules(
    recovery: VaultConfigInput["recovery"],
    unseal: UnsealMode,
    issue: (path: (string | number)[], message: string, input?: unknown) => void,
): void {
    const path = ["vault", "recovery"];
    if (unseal !== "aws-kms") {
        if (recovery.pgpKeys.length > 0)
            issue([...path, "pgpKeys"], "applies to aws-kms recovery keys; the local Shamir key must stay readable by the unseal job");
        return;
    }
    recovery.pgpKeys.forEach((key, i) => {
        const problem = openPgpPublicKeyProblem(key);
        if (problem) issue([...path, "pgpKeys", i], `${problem}; one OpenPGP public key per custodian`);
    });
    const shares = recoveryShares(recovery);
    if (recovery.threshold > shares)
        issue(
            [...path, "threshold"],
            `must not exceed the number of recovery shares (${shares}: one per pgpKeys entry, or 5)`,
            recovery.threshold,
        );
    if (shares > 1 && recovery.threshold < 2)
        issue([...path, "threshold"], "must be at least 2 when there is more than one share (Vault's rule)", recovery.threshold);
    if (!recovery.breakGlassRoleArn)
        issue(
            [...path, "breakGlassRoleArn"],
            "is required with aws-kms: the IAM role that alone may read the recovery secret (for example arn:aws:iam::<account>:role/vault-break-glass)",
        );
}

/** One share per custodian key, or five kept together in the recovery secret. */
export function recoveryShares(recovery: Pick<VaultConfigInput["recovery"], "pgpKeys">): number {
    return recovery.pgpKeys.length > 0 ? recovery.pgpKeys.length : 5;
}
