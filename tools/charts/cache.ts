// The chart cache: a folder of pinned charts that `charts:check` pulls into, or that a team fills by hand
// (an air-gapped mirror). A chart is found as `helm pull` names it (<chart>-<version>.tgz) or as an
// unpacked folder whose Chart.yaml has the pinned name and version.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../render/stack-file";
import { helmPull } from "./helm";

/** Where `charts:check` keeps pulled charts unless `--charts DIR` says otherwise (git ignores it). */
export const DEFAULT_CHARTS_DIR = join(REPO_ROOT, ".charts");

export interface PinnedChartRef {
    chart: string;
    version: string;
    repo: string;
}

export class ChartNotCachedError extends Error {
    override name = "ChartNotCachedError";
}

function chartYaml(folder: string): { name?: unknown; version?: unknown } | undefined {
    const file = join(folder, "Chart.yaml");
    if (!existsSync(file)) return undefined;
    return parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
}

/** The cached chart for a pin, or undefined. A folder with the right name but another version is not it. */
export function findCachedChart(dir: string, ref: PinnedChartRef): string | undefined {
    if (!existsSync(dir)) return undefined;
    const archive = join(dir, `${ref.chart}-${ref.version}.tgz`);
    if (existsSync(archive)) return archive;
    for (const entry of readdirSync(dir)) {
        const folder = join(dir, entry);
        if (!statSync(folder).isDirectory()) continue;
        const meta = chartYaml(folder);
        if (meta && meta.name === ref.chart && String(meta.version) === ref.version) return folder;
    }
    return undefined;
}

/** The command that fills the cache for a pin by hand (what a mirror job runs). */
export function pullCommand(dir: string, ref: PinnedChartRef): string {
    return ref.repo.startsWith("oci://")
        ? `helm pull ${ref.repo.replace(/\/$/, "")}/${ref.chart} --version ${ref.version} --destination ${dir}`
        : `helm pull ${ref.chart} --repo ${ref.repo} --version ${ref.version} --destination ${dir}`;
}

/** Finds the pinned chart in the cache, pulling it first when allowed. */
export async function resolveChart(helm: string, dir: string, ref: PinnedChartRef, pull: boolean): Promise<string> {
    const cached = findCachedChart(dir, ref);
    if (cached) return cached;
    if (!pull) {
        throw new ChartNotCachedError(`chart ${ref.chart} ${ref.version} is not in ${dir}; fill it with: ${pullCommand(dir, ref)}`);
    }
    mkdirSync(dir, { recursive: true });
    await helmPull(helm, ref.chart, ref.version, ref.repo, dir);
    const pulled = findCachedChart(dir, ref);
    if (!pulled)
        throw new ChartNotCachedError(`helm pull of ${ref.chart} ${ref.version} left no ${ref.chart}-${ref.version}.tgz in ${dir}`);
    return pulled;
}
