// Vault's configuration as every stack renders it: a desired-state ConfigMap (no secret in it) applied by
// an in-cluster reconciler Job named after its content, no Vault provider and no vault:* resource; the
// recovery material guarded by its own key that only the break-glass role may decrypt; and pods with AWS
// roles ordered after their Pod Identity associations.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { VAULT_AUDIENCE } from "../../../infra/vault/policies";
import type { DesiredState } from "../../../infra/vault/vault-configuration";
import type { RenderedResource, RenderedStack } from "../../../tools/render/render";
import { SECRET_PLACEHOLDER } from "../../../tools/render/stack-file";
import { stackConfig } from "../../helpers/config";
import { ofType, only, rendered, STACKS } from "../../helpers/stacks";
import { capabilitiesOn, parsePolicy } from "./vault-acl";

const T = {
    configMap: "kubernetes:core/v1:ConfigMap",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    release: "kubernetes:helm.sh/v3:Release",
    association: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
};

const named = (stack: RenderedStack, type: string, name: string): RenderedResource => {
    const found = ofType(stack, type).filter((r) => (r.inputs as any).metadata?.name === name || r.name === name);
    assert.equal(found.length, 1, `${type} ${name} in ${stack.stack}`);
    return found[0]!;
};
const desiredOf = (stack: RenderedStack): DesiredState =>
    JSON.parse((named(stack, T.configMap, "vault-desired-state").inputs as any).data["desired.json"]) as DesiredState;
const reconcileJob = (stack: RenderedStack) => {
    const jobs = ofType(stack, T.job).filter((j) => String((j.inputs as any).metadata.name).startsWith("vault-configure-"));
    assert.equal(jobs.length, 1, stack.stack);
    return jobs[0]!;
};
const write = (desired: DesiredState, path: string) =>
    [...desired.writes, ...(desired.database?.writes ?? [])].find((w) => w.path === path);

describe("vault configuration in the rendered stacks", function () {
    this.timeout(300_000);

    for (const stack of STACKS) {
        describe(stack, () => {
            const config = stackConfig(stack);
            const vaultServices = config.services.filter((s) => s.vault);

            it("creates no Vault provider and no vault:* resource: refresh and destroy need only the Kubernetes API", async () => {
                const rendering = await rendered(stack);
                assert.deepEqual(
                    rendering.resources
                        .filter((r) => r.type.startsWith("vault:") || r.type === "pulumi:providers:vault")
                        .map((r) => r.type),
                    [],
                );
                assert.doesNotMatch(
                    JSON.stringify(rendering.resources.map((r) => r.inputs)),
                    /caCertFile|secure-platform-[a-z]+-vault-ca\.pem/,
                );
            });

            it("declares one role per Vault-using service, bound to exactly its account and namespace, with bounded TTLs", async () => {
                const desired = desiredOf(await rendered(stack));
                const roles = desired.writes.filter((w) => w.path.startsWith("auth/kubernetes/role/"));
                assert.equal(roles.length, vaultServices.length + 1, "one per service plus the snapshot job's");
                for (const service of vaultServices) {
                    const role = write(desired, `auth/kubernetes/role/${service.namespace}.${service.name}`)!.body as any;
                    assert.deepEqual(role.bound_service_account_names, [service.serviceAccount ?? service.name]);
                    assert.deepEqual(role.bound_service_account_namespaces, [service.namespace]);
                    assert.equal(role.audience, VAULT_AUDIENCE);
                    assert.deepEqual(role.token_policies, [`service.${service.namespace}.${service.name}`]);
                    assert.equal(role.token_no_default_policy, true);
                    assert.ok(role.token_ttl > 0 && role.token_ttl <= config.vault.tokenTtlSeconds);
                    assert.ok(role.token_max_ttl >= role.token_ttl && role.token_max_ttl <= config.vault.tokenMaxTtlSeconds);
                }
                for (const role of [...roles.map((r) => r.body as any), desired.reconciler.role as any]) {
                    for (const value of [...role.bound_service_account_names, ...role.bound_service_account_namespaces])
                        assert.doesNotMatch(value, /[*]/);
                    assert.ok(role.token_max_ttl <= 3600);
                }
                assert.deepEqual(desired.reconciler.role.bound_service_account_names, ["vault-configure"]);
                assert.ok((desired.reconciler.role as any).token_max_ttl <= 600, "the reconciler's sessions are short");
                assert.equal(desired.reconciler.authConfig.kubernetes_host, "https://kubernetes.default.svc:443");
                assert.equal(desired.reconciler.authConfig.token_reviewer_jwt, undefined, "in-cluster: Vault reviews with its own account");
            });

            it("gives each service a policy that reaches its own paths and no other service's", async () => {
                const desired = desiredOf(await rendered(stack));
                const policies = desired.writes.filter((w) => w.path.startsWith("sys/policies/acl/"));
                assert.equal(policies.length, vaultServices.length + 1);
                for (const service of vaultServices) {
                    const own = await parsePolicy(
                        String(write(desired, `sys/policies/acl/service.${service.namespace}.${service.name}`)!.body.policy),
                    );
                    assert.ok(capabilitiesOn(own, `secret/data/${service.namespace}/${service.name}/config`).includes("read"));
                    for (const other of vaultServices.filter((o) => o !== service)) {
                        for (const path of [
                            `secret/data/${other.namespace}/${other.name}/config`,
                            `transit/decrypt/${other.namespace}.${other.name}`,
                            `database/creds/${other.namespace}.${other.name}`,
                        ])
                            assert.deepEqual(capabilitiesOn(own, path), [], `${service.name} reaches ${path}`);
                    }
                    for (const path of ["sys/mounts", "sys/storage/raft/snapshot", "sys/policies/acl/x", "auth/kubernetes/role/x"])
                        assert.deepEqual(capabilitiesOn(own, path), []);
                }
            });

            it("declares two audit devices, KV v2 with check-and-set, and Transit keys that rotate, never leave Vault, and are deletable only outside staging and prod", async () => {
                const desired = desiredOf(await rendered(stack));
                assert.deepEqual(desired.audit.map((a) => a.options.file_path).sort(), ["/vault/audit/vault-audit.log", "stdout"]);
                assert.deepEqual(write(desired, "secret/config")!.body, { max_versions: config.vault.kv.maxVersions, cas_required: true });
                const keys = desired.writes.filter((w) => /^transit\/keys\/[^/]+\/config$/.test(w.path));
                assert.deepEqual(
                    keys.map((k) => k.path.split("/")[2]).sort(),
                    vaultServices
                        .filter((s) => s.vault?.transit)
                        .map((s) => `${s.namespace}.${s.name}`)
                        .sort(),
                );
                const protectedStack = stack === "staging" || stack === "prod";
                assert.equal(config.protect, protectedStack);
                for (const key of keys) {
                    const body = key.body as any;
                    assert.ok(body.auto_rotate_period > 0 && body.auto_rotate_period <= 30 * 86400);
                    assert.equal(body.exportable, false);
                    assert.equal(body.allow_plaintext_backup, false);
                    assert.equal(body.deletion_allowed, !protectedStack, "deletable outside staging and prod only");
                }
                const transitPrune = desired.prune.find((p) => p.list === "transit/keys")!;
                assert.equal(transitPrune.deletionAllowed, !protectedStack);
                const reconciler = await parsePolicy(desired.reconciler.policy);
                assert.equal(capabilitiesOn(reconciler, "transit/keys/shop.orders").includes("delete"), !protectedStack);
            });

            it("declares the database connection without its password, with root rotation, and roles with bounded lifetimes", async () => {
                const rendering = await rendered(stack);
                const desired = desiredOf(rendering);
                if (!config.vault.database) return assert.equal(desired.database, undefined);
                const connection = desired.database!.connection.body as any;
                assert.equal(connection.password, undefined);
                assert.match(connection.connection_url, new RegExp(`sslmode=${config.vault.database.sslMode}$`));
                assert.ok(connection.root_rotation_statements.length > 0);
                for (const role of desired.database!.writes) {
                    const body = role.body as any;
                    assert.ok(connection.allowed_roles.includes(role.path.split("/").pop()));
                    if (role.path.includes("/static-roles/"))
                        assert.equal(body.rotation_period, config.vault.database.staticRotationPeriodSeconds);
                    else assert.ok(body.default_ttl <= body.max_ttl);
                }
                const configMap = JSON.stringify(named(rendering, T.configMap, "vault-desired-state").inputs);
                assert.ok(!configMap.includes(SECRET_PLACEHOLDER), "no secret in the desired state");
                const secret = named(rendering, "kubernetes:core/v1:Secret", "vault-database-admin").inputs as any;
                assert.equal(secret.stringData, "[secret]", "the password reaches the cluster only as a Pulumi secret");
            });

            it("applies it with a Job named after the desired state, logged in with its own account over the in-cluster TLS service, and again every hour", async () => {
                const rendering = await rendered(stack);
                const configMap = named(rendering, T.configMap, "vault-desired-state");
                const job = reconcileJob(rendering);
                const manifest = job.inputs as any;
                const pod = manifest.spec.template.spec;
                const script: string = pod.containers[0].command[2];
                const hash = createHash("sha256")
                    .update((configMap.inputs as any).data["desired.json"])
                    .update(script)
                    .digest("hex")
                    .slice(0, 10);
                assert.equal(manifest.metadata.name, `vault-configure-${hash}`, "a new desired state is a new Job");
                assert.equal(manifest.metadata.annotations["pulumi.com/replaceUnready"], "true");
                assert.equal(pod.serviceAccountName, "vault-configure");
                assert.equal(pod.automountServiceAccountToken, false, "no Kubernetes API access");
                const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value]));
                assert.equal(env.VAULT_ADDR, "https://vault-active.vault.svc:8200");
                assert.equal(env.VAULT_ROLE, "platform-reconciler");
                const volumes = Object.fromEntries(pod.volumes.map((v: any) => [v.name, v]));
                assert.equal(volumes["vault-ca"].configMap.name, "vault-ca", "the CA comes from the cluster, not a file on the runner");
                assert.equal(volumes.desired.configMap.name, "vault-desired-state");
                assert.equal(volumes["vault-token"].projected.sources[0].serviceAccountToken.audience, VAULT_AUDIENCE);
                const bootstrap = named(rendering, T.job, "vault-bootstrap");
                assert.ok(job.dependsOn.includes(bootstrap.urn) && job.dependsOn.includes(configMap.urn));
                assert.equal(env.REPORT_DRIFT, "false", "the deploy's run applies changes");
                const cron = named(rendering, T.cronJob, "vault-configure").inputs as any;
                const cronPod = cron.spec.jobTemplate.spec.template.spec;
                assert.equal(cronPod.containers[0].command[2], script);
                const cronEnv = Object.fromEntries(cronPod.containers[0].env.map((e: any) => [e.name, e.value]));
                assert.equal(cronEnv.REPORT_DRIFT, "true", "the hourly run fails on a change made outside a deploy");
                assert.equal(cron.spec.jobTemplate.spec.backoffLimit, 0, "a retry would hide the finding");
                assert.match(cron.spec.schedule, /^\d+ \* \* \* \*$/);
                const snapshot = named(rendering, T.cronJob, "vault-backups-snapshot");
                assert.ok(snapshot.dependsOn.includes(job.urn), "the snapshot role exists before its CronJob");
            });

            it("hands the bootstrap job the same reconciler login the desired state declares", async () => {
                const rendering = await rendered(stack);
                const pod = (named(rendering, T.job, "vault-bootstrap").inputs as any).spec.template.spec;
                const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value]));
                assert.deepEqual(JSON.parse(env.RECONCILER), desiredOf(rendering).reconciler);
                const reconciler = await parsePolicy(JSON.parse(env.RECONCILER).policy);
                for (const path of ["secret/data/shop/orders/config", "sys/seal", "sys/auth/kubernetes", "sys/policies/acl/root"])
                    assert.deepEqual(capabilitiesOn(reconciler, path), [], path);
                const init = JSON.parse(env.INIT_REQUEST);
                if (config.vault.unseal === "aws-kms") {
                    assert.deepEqual(init, { recovery_shares: 5, recovery_threshold: 3 });
                    assert.equal(pod.activeDeadlineSeconds, undefined);
                } else assert.deepEqual(init, { secret_shares: 1, secret_threshold: 1 });
                const job = (named(rendering, T.job, "vault-bootstrap").inputs as any).spec;
                assert.equal(job.activeDeadlineSeconds, undefined, "never killed while it holds the only copy of the init response");
            });
        });
    }

    describe("on EKS (prod)", () => {
        it("keeps the recovery material under its own key that only the break-glass role decrypts, the account administering it without kms:*", async () => {
            const rendering = await rendered("prod");
            const breakGlass = stackConfig("prod").vault.recovery.breakGlassRoleArn;
            assert.equal(breakGlass, "arn:aws:iam::777788889999:role/vault-break-glass");
            const keys = ofType(rendering, "aws:kms/key:Key");
            const recoveryKey = keys.find((k) => String(k.inputs.description).includes("recovery material"))!;
            const unsealKey = keys.find((k) => String(k.inputs.description).includes("auto-unseal"))!;
            assert.ok(recoveryKey && unsealKey && recoveryKey !== unsealKey);
            assert.equal(recoveryKey.protect, true);
            const policy = JSON.parse(String(recoveryKey.inputs.policy));
            const root = policy.Statement.find((s: any) => String(s.Principal?.AWS).endsWith(":root"));
            assert.ok(
                root.Action.includes("kms:PutKeyPolicy") && root.Action.includes("kms:ScheduleKeyDeletion"),
                "the account can still manage the key",
            );
            for (const forbidden of ["kms:*", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:ReEncrypt*"])
                assert.ok(!root.Action.includes(forbidden), forbidden);
            const decrypters = policy.Statement.filter(
                (s: any) => s.Effect === "Allow" && [s.Action].flat().some((a: string) => a === "kms:Decrypt" || a === "kms:*"),
            );
            // Two principals may decrypt, both only through Secrets Manager: the break-glass role (reads) and the
            // bootstrap job's role (a Secrets Manager write needs Decrypt too; the secret policy denies it the read).
            assert.deepEqual(decrypters.map((s: any) => s.Sid).sort(), [
                "BootstrapStoresRecoveryMaterial",
                "BreakGlassReadsRecoveryMaterial",
            ]);
            assert.equal(decrypters.find((s: any) => s.Sid === "BreakGlassReadsRecoveryMaterial").Principal.AWS, breakGlass);
            assert.match(decrypters.find((s: any) => s.Sid === "BootstrapStoresRecoveryMaterial").Principal.AWS, /:role\/vault-bootstrap/);
            for (const statement of decrypters)
                assert.equal(statement.Condition.StringEquals["kms:ViaService"], "secretsmanager.eu-west-1.amazonaws.com");

            const secret = only(rendering, "aws:secretsmanager/secret:Secret");
            assert.equal(secret.protect, true);
            assert.equal(secret.inputs.name, undefined);
            assert.equal(
                secret.inputs.namePrefix,
                "platform-prod/vault/recovery-",
                "a generated suffix: no collision with a deleted secret in its window",
            );
            assert.equal(secret.inputs.recoveryWindowInDays, 30);
            const secretPolicy = JSON.parse(String(only(rendering, "aws:secretsmanager/secretPolicy:SecretPolicy").inputs.policy));
            assert.deepEqual(secretPolicy.Statement, [
                {
                    Sid: "OnlyBreakGlassReads",
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: "secretsmanager:GetSecretValue",
                    Resource: "*",
                    Condition: { ArnNotEquals: { "aws:PrincipalArn": breakGlass } },
                },
            ]);
            const bootstrapPolicy = JSON.parse(
                String(ofType(rendering, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "vault-bootstrap")!.inputs.policy),
            );
            assert.deepEqual(bootstrapPolicy.Statement.flatMap((s: any) => s.Action).sort(), [
                "secretsmanager:DescribeSecret",
                "secretsmanager:PutSecretValue",
            ]);
            assert.match(bootstrapPolicy.Statement[0].Resource, /:secret:platform-prod\/vault\/recovery-\*$/);
        });

        it("starts the Vault pods, the bootstrap job and the snapshot CronJob after their Pod Identity associations", async () => {
            const rendering = await rendered("prod");
            const association = (name: string) => ofType(rendering, T.association).find((a) => a.name === name)!;
            for (const [resource, name] of [
                [named(rendering, T.release, "vault"), "vault-server"],
                [named(rendering, T.job, "vault-bootstrap"), "vault-bootstrap"],
                [named(rendering, T.cronJob, "vault-backups-snapshot"), "vault-backups-snapshot"],
            ] as const) {
                assert.ok(association(name), name);
                assert.ok(resource.dependsOn.includes(association(name).urn), `${resource.name} waits for ${name}`);
            }
        });
    });

    it("dev: the recovery secret is short-lived when deleted and its Transit keys deletable; staging keeps protection", async () => {
        const dev = only(await rendered("dev"), "aws:secretsmanager/secret:Secret");
        assert.equal(dev.inputs.recoveryWindowInDays, 7);
        assert.equal(dev.protect, false);
        const staging = only(await rendered("staging"), "aws:secretsmanager/secret:Secret");
        assert.equal(staging.inputs.recoveryWindowInDays, 30);
        assert.equal(staging.protect, true);
    });
});
