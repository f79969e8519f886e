import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { chartCrdFiles, TRIVY_OPERATOR_APP_VERSIONS } from "../../../infra/monitoring/crds";
import { DEFAULT_CHART_VERSIONS } from "../../../infra/monitoring/config";
import type { RenderedResource, RenderedStack } from "../../../tools/render/render";
import { REPO_ROOT } from "../../../tools/render/stack-file";
import { rendered, renderWith, STACKS } from "../../helpers/stacks";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CONFIG_GROUP = "kubernetes:yaml/v2:ConfigGroup";

const release = (stack: RenderedStack, chart: string): RenderedResource => {
    const found = stack.resources.filter((r) => r.type === RELEASE && r.inputs.chart === chart);
    assert.equal(found.length, 1, `${stack.stack}: one ${chart} Release`);
    return found[0]!;
};
const crdGroup = (stack: RenderedStack, name: string): RenderedResource => {
    const found = stack.resources.filter((r) => r.type === CONFIG_GROUP && r.name === `security-monitoring-${name}-crds`);
    assert.equal(found.length, 1, `${stack.stack}: one ConfigGroup of ${name}'s CRDs`);
    return found[0]!;
};

// The CRD files the test charts carry (stand-ins of the pinned charts' crds/ folders): the same set the program applies.
const testChartCrds = (folder: string) =>
    readdirSync(join(REPO_ROOT, "test/charts", folder))
        .filter((f) => f.endsWith(".yaml"))
        .sort();

describe("monitoring: chart CRDs managed by the program", () => {
    it("points at the tag of exactly the pinned chart version, one file per CRD the chart's crds/ folder carries", () => {
        const prometheus = chartCrdFiles("kubePrometheusStack", "79.10.0");
        assert.ok(prometheus.every((url) => url.includes("/prometheus-community/helm-charts/kube-prometheus-stack-79.10.0/")));
        assert.deepEqual(prometheus.map((url) => url.split("/").pop()).sort(), testChartCrds("kube-prometheus-stack/charts/crds/crds"));
        const trivy = chartCrdFiles("trivyOperator", "0.30.0");
        assert.ok(
            trivy.every((url) => url.startsWith("https://raw.githubusercontent.com/aquasecurity/trivy-operator/v0.28.0/deploy/helm/crds/")),
        );
        assert.deepEqual(trivy.map((url) => url.split("/").pop()).sort(), testChartCrds("trivy-operator/crds"));
        // The test charts are the pinned versions: their Chart.yaml names the appVersion the trivy tag is taken from.
        const chart = parse(readFileSync(join(REPO_ROOT, "test/charts/trivy-operator/Chart.yaml"), "utf8")) as Record<string, string>;
        assert.equal(TRIVY_OPERATOR_APP_VERSIONS[chart.version!], chart.appVersion);
    });

    it("refuses a trivy-operator chart version whose CRDs' tag is unknown, naming the key", async () => {
        assert.throws(
            () => chartCrdFiles("trivyOperator", "9.9.9"),
            /monitoring\.charts\.trivyOperator\.version 9\.9\.9.*TRIVY_OPERATOR_APP_VERSIONS/,
        );
        await assert.rejects(
            renderWith("dev", { "secure-platform:monitoring": JSON.stringify({ charts: { trivyOperator: { version: "9.9.9" } } }) }),
            /monitoring\.charts\.trivyOperator\.version.*TRIVY_OPERATOR_APP_VERSIONS/s,
        );
    });

    it("a chart bump in config moves the CRDs to the new version's tag", async () => {
        const stack = await renderWith("dev", {
            "secure-platform:monitoring": JSON.stringify({ charts: { kubePrometheusStack: { version: "80.0.0" } } }),
        });
        assert.equal(release(stack, "kube-prometheus-stack").inputs.version, "80.0.0");
        const files = crdGroup(stack, "kube-prometheus-stack").inputs.files as string[];
        assert.equal(files.length, 10);
        assert.ok(
            files.every((url) => url.includes("/kube-prometheus-stack-80.0.0/")),
            files.join("\n"),
        );
    });

    for (const name of STACKS) {
        describe(name, () => {
            for (const chart of ["kube-prometheus-stack", "trivy-operator"] as const) {
                it(`${chart}: the Release skips its crds/ and depends on the program's CRDs at its own version`, async () => {
                    const stack = await rendered(name);
                    const helm = release(stack, chart);
                    const crds = crdGroup(stack, chart);
                    assert.equal(helm.inputs.skipCrds, true);
                    assert.ok(helm.dependsOn.includes(crds.urn), `${chart} Release must wait for its CRDs`);
                    const key = chart === "kube-prometheus-stack" ? "kubePrometheusStack" : "trivyOperator";
                    assert.equal(helm.inputs.version, DEFAULT_CHART_VERSIONS[key]);
                    assert.deepEqual(crds.inputs.files, chartCrdFiles(key, String(helm.inputs.version)));
                    // Deleting a CRD deletes every custom resource of it: staging and prod keep theirs.
                    assert.equal(crds.protect, name === "staging" || name === "prod", `${name}: protect`);
                });
            }
        });
    }
});
