import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { readFileSync } from "node:fs";
import { VAULT_AUDIENCE } from "../../../infra/vault/policies";
import type { RenderedResource, RenderedStack } from "../../../tools/render/render";
import { SECRET_PLACEHOLDER, readStackFile } from "../../../tools/render/stack-file";
import { kubernetesObjects, ofType, only, rendered, renderWith, STACKS } from "../../helpers/stacks";
import { stackConfig } from "../../helpers/config";

const T = {
    release: "kubernetes:helm.sh/v3:Release",
    role: "vault:kubernetes/authBackendRole:AuthBackendRole",
    policy: "vault:index/policy:Policy",
    audit: "vault:index/audit:Audit",
    authBackend: "vault:index/authBackend:AuthBackend",
    authConfig: "vault:kubernetes/authBackendConfig:AuthBackendConfig",
    transitKey: "vault:transit/secretBackendKey:SecretBackendKey",
    staticRole: "vault:database/secretBackendStaticRole:SecretBackendStaticRole",
    dynamicRole: "vault:database/secretBackendRole:SecretBackendRole",
    connection: "vault:database/secretBackendConnection:SecretBackendConnection",
    kv: "vault:kv/secretBackendV2:SecretBackendV2",
    provider: "pulumi:providers:vault",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

const configOf = stackConfig;

const byName = (stack: RenderedStack, type: string, name: string): RenderedResource => {
    const found = ofType(stack, type).filter((r) => r.name === name);
    assert.equal(found.length, 1, `${type} ${name} in ${stack.stack}`);
    return found[0]!;
};

/** Every string that sits in a secret input, found by walking the redacted and revealed inputs side by side. */
function secretStrings(redacted: unknown, revealed: unknown, found: Set<string>): void {
    if (redacted === "[secret]") {
        const walk = (value: unknown) => {
            if (typeof value === "string" && value.length >= 8) found.add(value);
            else if (value && typeof value === "object") Object.values(value).forEach(walk);
        };
        walk(revealed);
        return;
    }
    if (redacted && typeof redacted === "object" && revealed && typeof revealed === "object") {
        for (const key of Object.keys(redacted))
            secretStrings((redacted as Record<string, unknown>)[key], (revealed as Record<string, unknown>)[key], found);
    }
}

function leaks(stack: RenderedStack): { secrets: Set<string>; exposed: string[] } {
    const secrets = new Set<string>();
    for (const resource of stack.resources) secretStrings(resource.inputs, stack.secretInputs.get(resource.urn), secrets);
    const visible = JSON.stringify({ inputs: stack.resources.map((r) => r.inputs), outputs: stack.outputs });
    return { secrets, exposed: [...secrets].filter((secret) => visible.includes(secret)) };
}

describe("vault in the rendered stacks", function () {
    this.timeout(300_000);

    for (const stack of STACKS) {
        describe(stack, () => {
            const config = configOf(stack);
            const vaultServices = config.services.filter((s) => s.vault);

            it("installs HashiCorp's chart, pinned, with HA Raft, TLS and readiness only when unsealed, without waiting on it", async () => {
                const release = byName(await rendered(stack), T.release, "vault");
                const inputs = release.inputs as any;
                assert.equal(inputs.chart, "vault");
                assert.equal(inputs.version, config.vault.chart.version);
                assert.equal(inputs.repositoryOpts.repo, "https://helm.releases.hashicorp.com");
                assert.equal(inputs.namespace, "vault");
                assert.equal(inputs.values.global.tlsDisable, false);
                assert.equal(inputs.values.server.ha.replicas, config.vault.replicas);
                assert.equal(inputs.values.server.readinessProbe.path, "/v1/sys/health?standbyok=true");
                // Pods become Ready only after the bootstrap Job, which runs after the release: Helm must not wait.
                assert.equal(inputs.skipAwait, true);
                assert.equal(inputs.atomic, false);
                const hcl: string = inputs.values.server.ha.raft.config;
                assert.match(hcl, /storage "raft"/);
                if (config.vault.unseal === "aws-kms")
                    assert.match(hcl, /seal "awskms" \{\s+region\s+= "eu-west-1"\s+kms_key_id = "[0-9a-f-]{36}"/);
                else assert.doesNotMatch(hcl, /seal "/);
            });

            it("backs up Raft snapshots on a schedule with a snapshot-only login", async () => {
                const rendering = await rendered(stack);
                const cron = byName(rendering, T.cronJob, "vault-backups-snapshot").inputs as any;
                assert.equal(cron.spec.schedule, config.vault.backups.schedule);
                const pod = cron.spec.jobTemplate.spec.template.spec;
                assert.equal(pod.serviceAccountName, "vault-snapshot");
                assert.equal(pod.automountServiceAccountToken, false);
                const token = pod.volumes.find((v: any) => v.projected).projected.sources[0].serviceAccountToken;
                assert.equal(token.audience, VAULT_AUDIENCE);
                assert.ok(token.expirationSeconds <= 3600);
                const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value]));
                assert.equal(env.VAULT_ROLE, "vault-snapshot");
                if (config.cluster.mode === "eks") assert.match(env.BUCKET, /-vault-snapshots-\d{12}$/);
            });

            // Schema validation of every object, these jobs included, is test/infra/kubernetes-schemas.spec.ts.
            it("runs every job restricted and outside the mesh", async () => {
                const rendering = await rendered(stack);
                const pods = [
                    ...ofType(rendering, T.job).map((j) => (j.inputs as any).spec.template),
                    ...ofType(rendering, T.cronJob).map((c) => (c.inputs as any).spec.jobTemplate.spec.template),
                ];
                assert.ok(pods.length >= 3);
                for (const template of pods) {
                    assert.equal(template.metadata.annotations["sidecar.istio.io/inject"], "false");
                    const spec = template.spec;
                    assert.equal(spec.securityContext.runAsNonRoot, true);
                    for (const container of spec.containers) {
                        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
                        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
                        assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
                        assert.ok(container.resources.limits.memory);
                        assert.doesNotMatch(container.image, /:latest$/);
                    }
                }
            });

            it("gives every job script each variable it reads", async () => {
                const rendering = await rendered(stack);
                const pods = [
                    ...ofType(rendering, T.job).map((j) => (j.inputs as any).spec.template.spec),
                    ...ofType(rendering, T.cronJob).map((c) => (c.inputs as any).spec.jobTemplate.spec.template.spec),
                ];
                for (const pod of pods) {
                    const container = pod.containers[0];
                    // Comment lines are not run; single-quoted text is literal to the shell (jq programs use their own $variables).
                    const script = (container.command[2] as string).replace(/^\s*#.*$/gm, "").replace(/'[^']*'/g, "''");
                    const assigned = new Set(
                        [
                            ...script.matchAll(/(?:^|[\s;(])([A-Za-z_][A-Za-z0-9_]*)=/g),
                            ...script.matchAll(/\bfor ([a-z_]+) in/g),
                            ...script.matchAll(/\bread -r ([a-z_]+)/g),
                        ].map((m) => m[1]!),
                    );
                    const used = new Set(
                        [...script.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!).filter((v) => !assigned.has(v)),
                    );
                    const env = new Set(container.env.map((e: any) => e.name));
                    for (const variable of used) assert.ok(env.has(variable), `${pod.serviceAccountName}: $${variable} is not set`);
                    for (const e of container.env) assert.notEqual(e.value, undefined, `${pod.serviceAccountName}: ${e.name}`);
                }
            });

            it("opens Vault's port to the services that declared it, and only those", async () => {
                const rendering = await rendered(stack);
                const clients = [...new Set(vaultServices.map((s) => s.namespace))].sort();
                const ingress = ofType(rendering, T.networkPolicy).find((p) => (p.inputs as any).metadata.name === "vault-server-ingress")!
                    .inputs as any;
                const peers = ingress.spec.ingress[1].from.map((peer: any) => [
                    peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"],
                    peer.podSelector.matchExpressions[0].values,
                ]);
                assert.deepEqual(
                    peers,
                    clients.map((ns) => [
                        ns,
                        vaultServices
                            .filter((s) => s.namespace === ns)
                            .map((s) => s.name)
                            .sort(),
                    ]),
                );
                assert.deepEqual(ingress.spec.ingress[1].ports, [{ protocol: "TCP", port: 8200 }]);
                const egress = ofType(rendering, T.networkPolicy).filter((p) => (p.inputs as any).metadata.name === "allow-vault-egress");
                assert.deepEqual(egress.map((p) => (p.inputs as any).metadata.namespace).sort(), clients);
            });

            it("keeps every secret input secret: no secret value appears in a plain input or output", async () => {
                const rendering = await rendered(stack);
                const { secrets, exposed } = leaks(rendering);
                assert.deepEqual(exposed, []);
                // The scan sees the value that must stay hidden: the database password (in the reconciler's Secret).
                assert.ok(secrets.has(SECRET_PLACEHOLDER), "the database password is a secret input");
            });

            it("never lets the recovery material pass through Pulumi: no secret version, no ConfigMap but the desired state, no output", async () => {
                const rendering = await rendered(stack);
                assert.equal(ofType(rendering, "aws:secretsmanager/secretVersion:SecretVersion").length, 0);
                assert.deepEqual(
                    ofType(rendering, "kubernetes:core/v1:ConfigMap")
                        .filter((c) => String((c.inputs as any).metadata?.namespace) === "vault")
                        .map((c) => (c.inputs as any).metadata.name),
                    ["vault-desired-state"],
                );
                assert.doesNotMatch(JSON.stringify(rendering.outputs), /root_token|recovery_keys|hvs\./);
            });
        });
    }

    describe("on EKS (prod)", () => {
        it("unseals with a rotating, protected KMS key through a role scoped to that key alone", async () => {
            const rendering = await rendered("prod");
            const key = ofType(rendering, "aws:kms/key:Key").find((k) => String(k.inputs.description).includes("Vault auto-unseal"))!;
            assert.equal(key.inputs.enableKeyRotation, true);
            assert.equal(key.protect, true);
            const policy = JSON.parse(String(byName(rendering, "aws:iam/rolePolicy:RolePolicy", "vault-server").inputs.policy));
            assert.equal(policy.Statement.length, 1);
            assert.deepEqual(policy.Statement[0].Action, ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]);
            assert.match(policy.Statement[0].Resource, /^arn:aws:kms:eu-west-1:\d{12}:key\/[0-9a-f-]{36}$/);
            const association = byName(rendering, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "vault-server").inputs;
            assert.deepEqual([association.namespace, association.serviceAccount], ["vault", "vault"]);
            const secret = only(rendering, "aws:secretsmanager/secret:Secret");
            assert.equal(secret.protect, true);
            assert.match(String(secret.inputs.kmsKeyId), /^arn:aws:kms:/);
        });

        it("keeps snapshots in an encrypted, versioned, private, TLS-only, protected bucket", async () => {
            const rendering = await rendered("prod");
            const bucket = only(rendering, "aws:s3/bucket:Bucket");
            assert.equal(bucket.protect, true);
            assert.equal(bucket.inputs.forceDestroy, false);
            const forBucket = (type: string) => ofType(rendering, type).filter((r) => r.name.startsWith("vault-backups"));
            assert.equal(
                (forBucket("aws:s3/bucketVersioning:BucketVersioning")[0]!.inputs as any).versioningConfiguration.status,
                "Enabled",
            );
            const sse = (
                forBucket("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0]!.inputs as any
            ).rules[0];
            assert.equal(sse.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
            assert.match(sse.applyServerSideEncryptionByDefault.kmsMasterKeyId, /^arn:aws:kms:/);
            const block = forBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0]!.inputs;
            for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"])
                assert.equal(block[flag], true, flag);
            const policy = JSON.parse(String(forBucket("aws:s3/bucketPolicy:BucketPolicy")[0]!.inputs.policy));
            assert.ok(policy.Statement.some((s: any) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false"));
            const upload = JSON.parse(String(byName(rendering, "aws:iam/rolePolicy:RolePolicy", "vault-backups-snapshot").inputs.policy));
            assert.deepEqual(upload.Statement.flatMap((s: any) => s.Action).sort(), ["kms:Decrypt", "kms:GenerateDataKey", "s3:PutObject"]);
        });
    });

    describe("on kind (local)", () => {
        it("uses the local-only Shamir unseal, named as insecure, with no AWS resources", async () => {
            const rendering = await rendered("local");
            assert.equal(rendering.resources.filter((r) => r.type.startsWith("aws:")).length, 0);
            const unseal = byName(rendering, T.cronJob, "vault-unseal");
            assert.equal((unseal.inputs as any).metadata.name, "vault-unseal-insecure-local");
            for (const stack of STACKS.filter((s) => s !== "local")) {
                assert.equal(
                    ofType(await rendered(stack), T.cronJob).filter((c) => /insecure/.test(String((c.inputs as any).metadata.name))).length,
                    0,
                    stack,
                );
            }
        });
    });

    it("never exposes a database password given in plain config", async () => {
        const file = parseYaml(readFileSync(readStackFile("prod").path, "utf8")) as { config: Record<string, any> };
        const vault = {
            ...file.config["secure-platform:vault"],
            database: { ...file.config["secure-platform:vault"].database, password: "pg-admin-password-must-not-leak" },
        };
        const rendering = await renderWith("prod", { "secure-platform:vault": JSON.stringify(vault) });
        const { secrets, exposed } = leaks(rendering);
        assert.ok(secrets.has("pg-admin-password-must-not-leak"));
        assert.deepEqual(exposed, []);
    });
});

describe("vault: jobs that retry", () => {
    for (const stack of STACKS) {
        it(`${stack}: every Job the program creates is replaced at the next up when it did not complete`, async () => {
            const jobs = kubernetesObjects(await rendered(stack)).filter(({ manifest }) => manifest.kind === "Job");
            assert.ok(jobs.length >= 2, `${stack}: ${jobs.length} jobs`);
            for (const { manifest } of jobs) {
                const metadata = manifest.metadata as { name: string; annotations?: Record<string, string> };
                assert.equal(metadata.annotations?.["pulumi.com/replaceUnready"], "true", metadata.name);
            }
        });
    }
});
