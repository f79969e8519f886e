// The local stack's PostgreSQL (tools/local/database.ts): admitted by the platform's own admission
// (Pod Security of its namespace, the ValidatingAdmissionPolicies, image policies), serving TLS only, reached
// by Vault's servers and nobody else, with the roles Vault's database engine expects.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { checkAdmission } from "../../tools/charts/admission";
import { networkSideAllows, type Pod } from "../../tools/charts/access-evaluator";
import type { ChartRendering } from "../../tools/charts/types";
import type { RenderedResource } from "../../tools/render/render";
import { POSTGRES_IMAGE, localDatabaseManifests, rolesSql } from "../../tools/local/database";
import { REPO_ROOT } from "../../tools/render/stack-file";
import { stackConfig } from "../helpers/config";
import { kubernetesObjects, rendered } from "../helpers/stacks";

type Json = Record<string, any>;

describe("local database for the local stack", () => {
    const config = stackConfig("local");
    const manifests = localDatabaseManifests(config) as Json[];
    const deployment = manifests.find((m) => m.kind === "Deployment")!;

    it("is admitted by the local stack's admission policies and its namespace's Pod Security level", async () => {
        const program = await rendered("local");
        // Applied by hand with kubectl, judged as if the program had sent them (the namespace's labels included).
        const applied: RenderedResource[] = manifests.map((manifest) => ({
            type: `kubernetes:${manifest.apiVersion.includes("/") ? manifest.apiVersion : `core/${manifest.apiVersion}`}:${manifest.kind}`,
            name: `local-database-${manifest.kind}-${manifest.metadata.name}`,
            urn: `urn:pulumi:local::secure-platform::local-database-${manifest.kind}-${manifest.metadata.name}`,
            custom: true,
            inputs: manifest,
            id: manifest.metadata.name,
            outputs: {},
            protect: false,
            dependsOn: [],
        }));
        const rendering: ChartRendering = {
            stack: "local",
            kubernetesVersion: config.cluster.kubernetesVersion,
            program: { ...program, resources: [...program.resources, ...applied] },
            releases: [],
        };
        const result = checkAdmission(rendering);
        const ours = result.findings.filter((f) => f.subject.includes("databases/"));
        assert.deepEqual(ours, []);
        // The check did judge the pod the Deployment makes (a check that judged nothing proves nothing).
        assert.ok(result.judged > kubernetesObjects(program).length + manifests.length);
        assert.ok(
            config.admission.allowedRegistries.some((prefix) => POSTGRES_IMAGE.startsWith(prefix)),
            `${POSTGRES_IMAGE} is in the local stack's allowed registries`,
        );
        const namespace = manifests.find((m) => m.kind === "Namespace")!;
        assert.equal(namespace.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("serves TLS only, as the stack's sslMode requires", () => {
        assert.ok(["require", "verify-ca", "verify-full"].includes(config.vault.database!.sslMode));
        const args: string[] = deployment.spec.template.spec.containers[0].args;
        const settings = args.filter((_, i) => args[i - 1] === "-c");
        assert.ok(settings.includes("ssl=on"));
        assert.ok(settings.includes("ssl_cert_file=/tls/tls.crt") && settings.includes("ssl_key_file=/tls/tls.key"));
        const hba = manifests.find((m) => m.kind === "ConfigMap")!.data["pg_hba.conf"] as string;
        // Every TCP rule is hostssl, except the final reject of everything else.
        const tcp = hba.split("\n").filter((line) => line.startsWith("host"));
        assert.deepEqual(tcp, ["hostssl all all all scram-sha-256", "host all all all reject"]);
        // The key and certificate are made in the pod, for the host name Vault connects to.
        const init = deployment.spec.template.spec.initContainers[0].command[2] as string;
        assert.match(init, new RegExp(`subjectAltName=DNS:${config.vault.database!.host.replace(/\./g, "\\.")}`));
        assert.match(init, /chmod 0600 \/tls\/tls\.key/);
    });

    it("creates the group roles and static users that the stack's Vault roles name", () => {
        const sql = rolesSql(config);
        for (const service of config.services.filter((s) => s.vault?.database?.dynamic))
            assert.match(sql, new RegExp(`CREATE ROLE "${service.namespace}\\.${service.name}" NOLOGIN;`));
        for (const service of config.services.filter((s) => s.vault?.database?.staticUsername))
            assert.match(sql, new RegExp(`CREATE ROLE "${service.vault!.database!.staticUsername}" LOGIN`));
    });

    it("is reached by Vault's servers on its port, and by no other pod", async () => {
        const policies = [...kubernetesObjects(await rendered("local")).map((o) => o.manifest as Json), ...manifests].filter(
            (m) => m.kind === "NetworkPolicy",
        );
        const view = { rootNamespace: "istio-system", namespaces: { vault: {}, databases: {}, shop: {} } };
        const postgres: Pod = {
            id: "databases/postgres",
            namespace: "databases",
            labels: deployment.spec.template.metadata.labels,
            ip: "10.244.3.3",
        };
        const port = config.vault.database!.port;
        const allowed = (from: Pod) =>
            (["Egress", "Ingress"] as const).every((side) =>
                networkSideAllows(policies, { from, to: postgres, port, protocol: "TCP" }, view, side),
            );
        const server: Pod = {
            id: "vault/vault-0",
            namespace: "vault",
            labels: { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", component: "server" },
            ip: "10.244.1.1",
        };
        assert.ok(allowed(server));
        assert.ok(
            !allowed({
                id: "vault/vault-snapshot",
                namespace: "vault",
                labels: { "app.kubernetes.io/name": "vault-snapshot" },
                ip: "10.244.1.2",
            }),
        );
        assert.ok(!allowed({ id: "shop/checkout", namespace: "shop", labels: { "app.kubernetes.io/name": "checkout" }, ip: "10.244.2.2" }));
    });

    it("prints the manifests as one YAML stream, and refuses a stack that builds EKS", () => {
        const run = (...args: string[]) =>
            spawnSync("npx", ["tsx", join(REPO_ROOT, "tools", "local-database.ts"), ...args], { encoding: "utf8", cwd: REPO_ROOT });
        const local = run();
        assert.equal(local.status, 0, local.stderr);
        const kinds = parseAllDocuments(local.stdout).map((d) => (d.toJS() as Json).kind);
        assert.deepEqual(
            kinds,
            manifests.map((m) => m.kind),
        );
        assert.doesNotMatch(local.stdout, /REPLACE-WITH|secure:/, "no secret in the output");
        const eks = run("--stack", "prod");
        assert.equal(eks.status, 2);
        assert.match(eks.stderr, /stack prod builds EKS/);
    });
});
