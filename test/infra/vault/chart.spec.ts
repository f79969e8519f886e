// What the Vault chart renders from the program's values (the charts step over the test chart): the pod
// the StatefulSet makes, its readiness, the reloader beside Vault, the image reference and the budget.
import assert from "node:assert/strict";
import { join } from "node:path";
import { findHelm } from "../../../tools/charts/helm";
import { renderCharts } from "../../../tools/charts/render";
import type { ChartRendering } from "../../../tools/charts/types";
import type { RenderedStack } from "../../../tools/render/render";
import { REPO_ROOT } from "../../../tools/render/stack-file";
import { rawStackConfig } from "../../helpers/config";
import { kubernetesObjects, rendered, renderWith } from "../../helpers/stacks";

type Json = Record<string, any>;

const TEST_CHARTS = join(REPO_ROOT, "test", "charts");

async function vaultObjects(stack: RenderedStack): Promise<Json[]> {
    const rendering: ChartRendering = await renderCharts(stack, {
        helm: await findHelm(),
        chartsDir: TEST_CHARTS,
        pull: false,
        kubernetesVersion: "1.33",
    });
    const release = rendering.releases.find((r) => r.name === "vault");
    assert.ok(release, "the vault release rendered");
    return release.objects.map((o) => o.manifest as Json);
}

const statefulSet = (objects: Json[]) => objects.find((o) => o.kind === "StatefulSet")!;

describe("vault chart: what the cluster receives", () => {
    it("prod: a pod that is Ready only when unsealed, a budget that counts only such pods, and a reloader beside Vault", async () => {
        const objects = await vaultObjects(await rendered("prod"));
        const pod = statefulSet(objects).spec.template.spec;
        const vault = pod.containers.find((c: Json) => c.name === "vault");
        assert.equal(vault.readinessProbe.httpGet.path, "/v1/sys/health?standbyok=true");
        assert.match(vault.livenessProbe.httpGet.path, /sealedcode=204&uninitcode=204/);
        const budget = objects.find((o) => o.kind === "PodDisruptionBudget")!;
        assert.equal(budget.spec.maxUnavailable, 1);
        assert.equal(pod.shareProcessNamespace, true);
        const reloader = pod.containers.find((c: Json) => c.name === "reloader");
        assert.equal(reloader.image, vault.image);
        assert.deepEqual(reloader.volumeMounts.map((m: Json) => [m.name, m.mountPath]).sort(), [
            ["audit", "/vault/audit"],
            ["vault-tls", "/vault/userconfig/vault-tls"],
        ]);
        assert.equal(reloader.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(reloader.securityContext.capabilities.drop, ["ALL"]);
        assert.match(reloader.command[2], /pkill -HUP -x vault/);
    });

    it("a digest-pinned image reaches the pod as repository@sha256:<digest>", async () => {
        const digest = `sha256:${"b".repeat(64)}`;
        const vault = { ...rawStackConfig("dev").vault, image: `docker.io/hashicorp/vault@${digest}` };
        const objects = await vaultObjects(await renderWith("dev", { "secure-platform:vault": JSON.stringify(vault) }));
        const images = statefulSet(objects).spec.template.spec.containers.map((c: Json) => c.image);
        assert.deepEqual(images, [`docker.io/hashicorp/vault@${digest}`, `docker.io/hashicorp/vault@${digest}`]);
    });
});

describe("vault TLS: renewal is scheduled and can publish the bundle", () => {
    it("prod: a daily CronJob runs the TLS script; the client namespaces let it write vault-ca and nothing else", async () => {
        const objects = kubernetesObjects(await rendered("prod")).map((o) => o.manifest as Json);
        const renew = objects.find((o) => o.kind === "CronJob" && o.metadata.name === "vault-tls-renew")!;
        assert.match(renew.spec.schedule, /^\d+ \d+ \* \* \*$/);
        const job = objects.find((o) => o.kind === "Job" && o.metadata.name === "vault-tls")!;
        assert.equal(renew.spec.jobTemplate.spec.template.spec.containers[0].command[2], job.spec.template.spec.containers[0].command[2]);
        const publishers = objects.filter((o) => o.kind === "Role" && o.metadata.name === "vault-ca-publisher");
        assert.deepEqual(publishers.map((r) => r.metadata.namespace).sort(), ["payments", "shop"]);
        for (const role of publishers) {
            assert.deepEqual(role.rules, [
                { apiGroups: [""], resources: ["configmaps"], verbs: ["create"] },
                { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "patch"], resourceNames: ["vault-ca"] },
            ]);
        }
        const tlsRole = objects.find((o) => o.kind === "Role" && o.metadata.name === "vault-tls" && o.metadata.namespace === "vault")!;
        const secrets = tlsRole.rules.find((r: Json) => r.resourceNames && r.resources.includes("secrets"));
        assert.deepEqual([...secrets.resourceNames].sort(), ["vault-ca-keypair", "vault-tls"]);
    });
});
