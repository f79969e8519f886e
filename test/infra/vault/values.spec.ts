import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { parse } from "@cdktf/hcl2json";
import { parsePlatformConfig } from "../../../infra/config";
import type { VaultConfig } from "../../../infra/vault/config";
import { bootstrapScript, reconcileScript, snapshotScript, tlsScript, unsealScript } from "../../../infra/vault/scripts";
import {
    LIVENESS_PATH,
    READINESS_PATH,
    maxUnavailable,
    serverAffinity,
    serverCertificateNames,
    serverConfig,
    splitImage,
    vaultValues,
} from "../../../infra/vault/values";

/** /v1/sys/health's status codes by node state without query overrides (developer.hashicorp.com/vault/api-docs/system/health). */
const HEALTH_DEFAULTS = { active: 200, standby: 429, perfstandby: 473, sealed: 503, uninitialized: 501 } as const;

const config = (): VaultConfig =>
    parsePlatformConfig("dev", {
        cluster: {
            mode: "eks",
            name: "t",
            region: "eu-west-1",
            kubernetesVersion: "1.33",
            vpc: {
                cidr: "10.0.0.0/16",
                privateSubnetCidrs: ["10.0.0.0/19", "10.0.32.0/19"],
                publicSubnetCidrs: ["10.0.128.0/22", "10.0.132.0/22"],
            },
            nodeGroups: [{ name: "g", instanceTypes: ["m6i.large"], minSize: 1, desiredSize: 1, maxSize: 2 }],
            accessEntries: [{ principalArn: "arn:aws:iam::111122223333:role/deployer", access: "cluster-admin" }],
            apiAccessCidrs: ["10.250.0.0/16"],
        },
        // Signature verification needs policies of its own; it is not what these tests look at.
        admission: { signatures: { enabled: false } },
        vault: { recovery: { breakGlassRoleArn: "arn:aws:iam::111122223333:role/vault-break-glass" } },
    }).vault;

type Values = { server: Record<string, any>; injector: { enabled: boolean }; global: { tlsDisable: boolean } };

describe("vault server configuration and chart values", () => {
    it("writes server HCL that HashiCorp's parser reads: TLS listener, Raft joined over TLS, KMS seal on EKS only", async () => {
        const kms = (await parse(
            "vault.hcl",
            serverConfig({ unseal: "aws-kms", region: "eu-west-1", kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" }),
        )) as Record<string, any>;
        const listener = kms.listener.tcp[0];
        assert.equal(listener.tls_disable, undefined);
        assert.match(listener.tls_cert_file, /tls\.crt$/);
        assert.equal(listener.tls_min_version, "tls12");
        assert.equal(kms.storage.raft[0].retry_join[0].auto_join_scheme, "https");
        assert.match(
            kms.storage.raft[0].retry_join[0].auto_join,
            /provider=k8s label_selector="app.kubernetes.io\/name=vault,component=server" namespace="vault"/,
        );
        assert.deepEqual(kms.seal.awskms[0], { region: "eu-west-1", kms_key_id: "1234abcd-12ab-34cd-56ef-1234567890ab" });
        const shamir = (await parse("vault.hcl", serverConfig({ unseal: "insecure-local-shamir" }))) as Record<string, any>;
        assert.equal(shamir.seal, undefined);
        assert.equal(shamir.ui, false);
    });

    it("is Ready only when unsealed and joined; stays alive while sealed", () => {
        const values = vaultValues({
            config: config(),
            zones: 3,
            serverHcl: "",
            serviceAccountAnnotations: {},
            protect: true,
        }) as unknown as Values;
        assert.equal(values.server.readinessProbe.path, READINESS_PATH);
        assert.equal(values.server.livenessProbe.path, LIVENESS_PATH);
        // The kubelet's httpGet probe succeeds on 200-399; the codes are /v1/sys/health's, with its query overrides.
        const probe = (path: string, state: keyof typeof HEALTH_DEFAULTS) => {
            const query = new URL(path, "https://vault").searchParams;
            let code: number = HEALTH_DEFAULTS[state];
            if (state === "standby" && query.get("standbyok") === "true") code = 200;
            if (state === "perfstandby" && query.get("perfstandbyok") === "true") code = 200;
            if (state === "sealed" && query.has("sealedcode")) code = Number(query.get("sealedcode"));
            if (state === "uninitialized" && query.has("uninitcode")) code = Number(query.get("uninitcode"));
            return code >= 200 && code < 400;
        };
        const ready = Object.keys(HEALTH_DEFAULTS).filter((state) => probe(READINESS_PATH, state as keyof typeof HEALTH_DEFAULTS));
        assert.deepEqual(ready, ["active", "standby"]);
        const alive = Object.keys(HEALTH_DEFAULTS).filter((state) => probe(LIVENESS_PATH, state as keyof typeof HEALTH_DEFAULTS));
        assert.deepEqual(alive, ["active", "standby", "perfstandby", "sealed", "uninitialized"]);
    });

    it("keeps Vault's claims when the stack is protected and deletes them with the release elsewhere, so destroy leaves no volume", () => {
        const policy = (protect: boolean) =>
            (vaultValues({ config: config(), zones: 3, serverHcl: "", serviceAccountAnnotations: {}, protect }) as unknown as Values).server
                .persistentVolumeClaimRetentionPolicy;
        assert.deepEqual(policy(true), { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.deepEqual(policy(false), { whenDeleted: "Delete", whenScaled: "Retain" });
    });

    it("sets the security-relevant values explicitly: TLS on, injector off, restricted contexts, audit storage, PDB", () => {
        const vault = { ...config(), replicas: 3 };
        const values = vaultValues({
            config: vault,
            zones: 3,
            serverHcl: "hcl",
            serviceAccountAnnotations: { a: "b" },
            protect: true,
        }) as unknown as Values;
        assert.equal(values.global.tlsDisable, false);
        assert.equal(values.injector.enabled, false);
        const server = values.server;
        assert.equal(server.ha.enabled, true);
        assert.equal(server.ha.raft.enabled, true);
        assert.equal(server.ha.replicas, 3);
        assert.equal(server.ha.raft.config, "hcl");
        assert.deepEqual(server.ha.disruptionBudget, { enabled: true, maxUnavailable: 1 });
        assert.equal(server.auditStorage.enabled, true);
        assert.equal(server.dataStorage.enabled, true);
        assert.equal(server.statefulSet.securityContext.pod.runAsNonRoot, true);
        assert.equal(server.statefulSet.securityContext.pod.seccompProfile.type, "RuntimeDefault");
        const container = server.statefulSet.securityContext.container;
        assert.equal(container.allowPrivilegeEscalation, false);
        assert.equal(container.readOnlyRootFilesystem, true);
        assert.deepEqual(container.capabilities.drop, ["ALL"]);
        assert.ok(server.resources.limits.cpu && server.resources.limits.memory && server.resources.requests.cpu);
        assert.equal(server.annotations["sidecar.istio.io/inject"], "false");
        assert.deepEqual(server.serviceAccount.annotations, { a: "b" });
        assert.equal(server.ingress.enabled, false);
        assert.equal(server.dev.enabled, false);
    });

    it("spreads voters across zones when there are enough, else across nodes", () => {
        const zonal = serverAffinity(3, 3) as any;
        assert.equal(zonal.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, "topology.kubernetes.io/zone");
        const nodes = serverAffinity(3, 2) as any;
        assert.equal(nodes.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, "kubernetes.io/hostname");
        assert.equal(
            nodes.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey,
            "topology.kubernetes.io/zone",
        );
        assert.deepEqual([1, 3, 5, 7].map(maxUnavailable), [1, 1, 2, 3]);
    });

    it("splits image references so that the chart's <repository>:<tag> gives back the reference", () => {
        const digest = `sha256:${"a".repeat(64)}`;
        for (const reference of [
            "docker.io/hashicorp/vault:1.20.1",
            `docker.io/hashicorp/vault:1.20.1@${digest}`,
            `docker.io/hashicorp/vault@${digest}`,
            `registry.example.com:5000/vault@${digest}`,
            "registry.example.com:5000/vault:1.20.1",
        ]) {
            const { repository, tag } = splitImage(reference);
            assert.equal(`${repository}:${tag}`, reference);
        }
        assert.deepEqual(splitImage(`registry.example.com:5000/vault@${digest}`), {
            repository: "registry.example.com:5000/vault@sha256",
            tag: "a".repeat(64),
        });
        assert.throws(() => splitImage("registry.example.com:5000/vault"), /secure-platform:vault.image: .* neither a tag nor a digest/);
    });

    it("certifies every name clients and Raft peers use", () => {
        const names = serverCertificateNames("vault");
        for (const name of ["vault.vault.svc", "vault-active.vault.svc", "*.vault-internal.vault.svc", "*.vault-internal", "localhost"])
            assert.ok(names.dns.includes(name), name);
        assert.deepEqual(names.ips, ["127.0.0.1"]);
    });
});

describe("vault job scripts", () => {
    const scripts = {
        tls: tlsScript({ namespace: "vault", dnsNames: ["vault.vault.svc"], ipAddresses: ["127.0.0.1"], validityDays: 730 }),
        "bootstrap (aws-kms)": bootstrapScript("aws-kms"),
        "bootstrap (local)": bootstrapScript("insecure-local-shamir"),
        reconcile: reconcileScript(),
        unseal: unsealScript(3, "vault"),
        "snapshot (s3)": snapshotScript("s3"),
        "snapshot (volume)": snapshotScript("volume"),
    };

    it("are valid POSIX shell", () => {
        for (const [name, script] of Object.entries(scripts)) {
            assert.doesNotThrow(() => execFileSync("sh", ["-n", "-c", script], { stdio: "pipe" }), name);
        }
    });

    it("never trace, and never put a credential on a command line or in the log", () => {
        for (const [name, script] of Object.entries(scripts)) {
            assert.doesNotMatch(script, /set -[a-z]*x/, name);
            for (const line of script.split("\n")) {
                if (/echo|printf/.test(line))
                    assert.doesNotMatch(
                        line,
                        /root_token|client_token|keys_base64|\$\(cat|\$\(jq|< *[a-z./]*(init|token)/,
                        `${name}: ${line}`,
                    );
                // Tokens and keys travel in files (-H @file, -d @file), never as arguments.
                assert.doesNotMatch(line, /X-Vault-Token: \$/, `${name}: ${line}`);
            }
        }
    });

    it("makes initialisation idempotent and revokes the root token", () => {
        for (const unseal of ["aws-kms", "insecure-local-shamir"] as const) {
            const script = bootstrapScript(unseal);
            const initCheck = script.indexOf('.initialized)" = "true"');
            const init = script.indexOf('/v1/sys/init" > init.json');
            assert.ok(initCheck > 0 && initCheck < init, "checks initialisation before initialising");
            const store =
                unseal === "aws-kms" ? script.indexOf("secretsmanager put-secret-value") : script.indexOf("vault-init-insecure-local");
            assert.ok(store > init && store < script.indexOf("root.header"), "stores the recovery material before using the root token");
            assert.ok(
                script.lastIndexOf("auth/token/revoke-self") > script.indexOf("sys/policies/acl"),
                "revokes root after configuring the reconciler's login",
            );
            // The init request (shares, threshold, custodian keys) comes from config; configuration.spec.ts checks it.
            assert.match(script, /printf '%s' "\$INIT_REQUEST" > body\.json/);
        }
    });
});
