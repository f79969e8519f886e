// The charts step is tested on small charts of our own (test/charts/<chart>/) that stand in for the pinned ones. A stand-in
// is only faithful to the version it was written against, so a chart bump in the program must force a review of it.
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../../tools/render/stack-file";
import { ofType, rendered, STACKS } from "../../helpers/stacks";

const TEST_CHARTS = join(REPO_ROOT, "test", "charts");

function chartYaml(chart: string): { name?: string; version?: string } {
    return parse(readFileSync(join(TEST_CHARTS, chart, "Chart.yaml"), "utf8")) ?? {};
}

describe("test charts stand in for the charts the program pins", () => {
    for (const stack of STACKS) {
        it(`${stack}: every helm.sh/v3 Release has a test chart of the same name and version`, async () => {
            const releases = ofType(await rendered(stack), "kubernetes:helm.sh/v3:Release");
            assert.ok(releases.length > 0, `no helm.sh/v3 Release in stack ${stack}`);
            for (const release of releases) {
                const chart = String(release.inputs.chart);
                const version = String(release.inputs.version);
                const folder = join(TEST_CHARTS, chart);
                assert.ok(
                    existsSync(join(folder, "Chart.yaml")),
                    `Release ${release.name} (stack ${stack}) installs chart "${chart}" but test/charts/${chart}/Chart.yaml does not exist: ` +
                        `write a test chart that reproduces what matters in ${chart} ${version}`,
                );
                const meta = chartYaml(chart);
                assert.equal(
                    meta.name,
                    chart,
                    `test/charts/${chart}/Chart.yaml has name "${meta.name}", the program installs chart "${chart}"`,
                );
                assert.equal(
                    meta.version,
                    version,
                    `Release ${release.name} (stack ${stack}) pins ${chart} ${version}, but test/charts/${chart} stands in for ${meta.version}: ` +
                        `review the test chart against the real ${chart} ${version} (templates, values keys and defaults), then bump its Chart.yaml version`,
                );
            }
        });
    }

    it("every test chart is one the program installs, with a README saying what it stands for", async () => {
        const pinned = new Set<string>();
        for (const stack of STACKS) {
            for (const release of ofType(await rendered(stack), "kubernetes:helm.sh/v3:Release")) pinned.add(String(release.inputs.chart));
        }
        for (const entry of readdirSync(TEST_CHARTS, { withFileTypes: true }).filter((e) => e.isDirectory())) {
            assert.ok(
                pinned.has(entry.name),
                `test/charts/${entry.name} stands in for no chart the program installs: remove it or fix its folder name`,
            );
            assert.ok(existsSync(join(TEST_CHARTS, entry.name, "README.md")), `test/charts/${entry.name} has no README.md`);
        }
    });
});
