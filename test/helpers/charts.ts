// The stacks rendered with the project's test charts (test/charts), once per stack per run: every spec
// that judges what the charts render shares these Helm renders, as they share the stacks' renders.
import { join } from "node:path";
import { findHelm } from "../../tools/charts/helm";
import { renderCharts } from "../../tools/charts/render";
import type { ChartRendering } from "../../tools/charts/types";
import { platformConfigOf } from "../../tools/render/platform-config";
import { REPO_ROOT, readStackFile } from "../../tools/render/stack-file";
import { rendered } from "./stacks";

export const TEST_CHARTS = join(REPO_ROOT, "test", "charts");

const renderings = new Map<string, Promise<ChartRendering>>();

/** The stack's program render with its Releases rendered by Helm from the test charts. */
export function renderedCharts(stack: string): Promise<ChartRendering> {
    let result = renderings.get(stack);
    if (!result) {
        result = (async () =>
            renderCharts(await rendered(stack), {
                helm: await findHelm(),
                chartsDir: TEST_CHARTS,
                pull: false,
                kubernetesVersion: platformConfigOf(readStackFile(stack)).cluster.kubernetesVersion,
            }))();
        renderings.set(stack, result);
    }
    return result;
}
