import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChartNotCachedError, findCachedChart, resolveChart } from "../../../tools/charts/cache";
import { findHelm } from "../../../tools/charts/helm";
import { parseHelmOutput, RELEASE_TYPE, ReleaseInputError, renderCharts } from "../../../tools/charts/render";
import type { RenderedResource, RenderedStack } from "../../../tools/render/render";

const CACHE = join(__dirname, "fixtures", "cache");

function release(inputs: Record<string, unknown>): RenderedResource {
    return {
        type: RELEASE_TYPE,
        name: "probe",
        urn: "urn:pulumi:t::secure-platform::secure-platform:x:X$kubernetes:helm.sh/v3:Release::probe",
        custom: true,
        inputs,
        id: "probe",
        outputs: inputs,
        protect: false,
        dependsOn: [],
    };
}

function stackOf(...resources: RenderedResource[]): RenderedStack {
    return { stack: "t", resources, outputs: {}, secretInputs: new Map() };
}

const probe = (values: Record<string, unknown> = {}) =>
    release({
        name: "probe",
        chart: "probe",
        version: "1.2.3",
        namespace: "probe-ns",
        repositoryOpts: { repo: "https://charts.example.com" },
        values,
    });

describe("charts: the render step (real Helm over the project's probe chart)", () => {
    let helm: string;
    before(async () => {
        helm = await findHelm();
    });

    it("renders as an install does: CRDs marked, CRD-gated objects present, hooks kept, helm tests left out, namespaces placed", async () => {
        const rendering = await renderCharts(stackOf(probe({ image: "registry.example.com/probe/app:2.0.0", child: { replicas: 5 } })), {
            helm,
            chartsDir: CACHE,
            pull: false,
            kubernetesVersion: "1.31",
        });
        const [rendered] = rendering.releases;
        assert.ok(rendered);
        const byKind = (kind: string) => rendered.objects.filter((o) => o.manifest.kind === kind);
        const crd = byKind("CustomResourceDefinition")[0]!;
        assert.equal(crd.crd, true);
        assert.equal(crd.source, "probe/crds/widgets.yaml");
        // Only a render that knows the CRD's API version renders the Widget: the second pass.
        assert.equal(byKind("Widget").length, 1);
        assert.equal(byKind("Widget")[0]!.crd, false);
        const deployment = byKind("Deployment")[0]!;
        assert.equal(deployment.manifest.metadata.namespace, "probe-ns");
        assert.equal((deployment.manifest as any).spec.template.spec.containers[0].image, "registry.example.com/probe/app:2.0.0");
        assert.equal(byKind("ClusterRole")[0]!.manifest.metadata.namespace, undefined);
        assert.deepEqual(byKind("Job")[0]!.hooks, ["post-delete", "pre-upgrade"]);
        assert.deepEqual(
            rendered.objects.filter((o) => o.hooks.includes("pre-install")).map((o) => o.manifest.metadata.name),
            ["probe-install-hook"],
        );
        assert.deepEqual(byKind("Pod"), [], "helm test pods never reach the cluster through Pulumi");
        assert.equal(byKind("Service")[0]!.manifest.metadata.annotations?.replicas, "5", "the parent's values reach the subchart");
        assert.equal((byKind("ConfigMap")[0]!.manifest as any).data.kubeVersion, "v1.31.0");
        assert.equal(rendered.urn, probe().urn);
    });

    it("with disableWebhooks leaves out install and upgrade hooks but keeps delete hooks, which the provider's uninstall runs", async () => {
        const skipping = { ...probe(), inputs: { ...probe().inputs, disableWebhooks: true } };
        const rendering = await renderCharts(stackOf(skipping), { helm, chartsDir: CACHE, pull: false, kubernetesVersion: "1.33" });
        const objects = rendering.releases[0]!.objects;
        assert.ok(objects.some((o) => o.manifest.kind === "Deployment"));
        // The probe's Job is a post-delete and pre-upgrade hook: it still runs at uninstall; the pre-install ConfigMap does not.
        assert.deepEqual(
            objects.filter((o) => o.hooks.length > 0).map((o) => o.manifest.metadata.name),
            ["probe-cleanup"],
        );
    });

    it("refuses a Release whose chart is not known, and a chart missing from the cache when pulling is off", async () => {
        await assert.rejects(
            renderCharts(stackOf(release({ chart: "[unknown]", version: "1.2.3", namespace: "x", repositoryOpts: { repo: "r" } })), {
                helm,
                chartsDir: CACHE,
                pull: false,
                kubernetesVersion: "1.33",
            }),
            ReleaseInputError,
        );
        await assert.rejects(
            resolveChart(helm, CACHE, { chart: "probe", version: "9.9.9", repo: "https://charts.example.com" }, false),
            (error: Error) =>
                error instanceof ChartNotCachedError &&
                /helm pull probe --repo https:\/\/charts\.example\.com --version 9\.9\.9 --destination /.test(error.message),
        );
    });

    it("finds a cached chart as helm pull names it or as a folder with the pinned name and version", () => {
        const dir = mkdtempSync(join(tmpdir(), "cache-"));
        writeFileSync(join(dir, "app-2.0.0.tgz"), "");
        mkdirSync(join(dir, "other"));
        writeFileSync(join(dir, "other", "Chart.yaml"), "name: app\nversion: 1.0.0\n");
        assert.equal(findCachedChart(dir, { chart: "app", version: "2.0.0", repo: "r" }), join(dir, "app-2.0.0.tgz"));
        assert.equal(findCachedChart(dir, { chart: "app", version: "1.0.0", repo: "r" }), join(dir, "other"));
        assert.equal(findCachedChart(dir, { chart: "app", version: "3.0.0", repo: "r" }), undefined);
    });

    it("parses Helm's output into objects and refuses documents that are not Kubernetes objects", () => {
        const objects = parseHelmOutput(
            "---\n# Source: a/templates/x.yaml\napiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: one}}\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: two}}\n---\n",
            "a",
        );
        assert.deepEqual(
            objects.map((o) => [o.manifest.metadata.name, o.source]),
            [
                ["one", "a/templates/x.yaml"],
                ["two", "a/templates/x.yaml"],
            ],
        );
        assert.throws(
            () => parseHelmOutput("# Source: a/templates/y.yaml\nfoo: bar\n", "a"),
            /a\/templates\/y\.yaml rendered a document that is not a Kubernetes object/,
        );
        assert.throws(() => parseHelmOutput("a: &a [x]\nb: *a\nc: [: bad\n", "a"), ReleaseInputError);
    });
});
