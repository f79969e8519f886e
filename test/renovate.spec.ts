import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../tools/render/stack-file";
import { ofType, rendered, STACKS } from "./helpers/stacks";

interface Pin {
    file: string;
    datasource: string;
    depName: string;
    version: string;
}

/** Every version that renovate.json's custom managers would find, read with the same regular expressions. */
function renovatePins(): Pin[] {
    const config = JSON.parse(readFileSync(join(REPO_ROOT, "renovate.json"), "utf8")) as {
        customManagers: { managerFilePatterns: string[]; matchStrings: string[] }[];
    };
    const files = (dir: string): string[] =>
        readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: "utf8" }).map((f) => `${dir}/${f}`);
    const candidates = [...files("infra"), ...files("stacks")];
    const pins: Pin[] = [];
    for (const manager of config.customManagers) {
        const patterns = manager.managerFilePatterns.map((p) => new RegExp(p.slice(1, -1)));
        for (const file of candidates.filter((f) => patterns.some((p) => p.test(f)))) {
            const text = readFileSync(join(REPO_ROOT, file), "utf8");
            for (const expression of manager.matchStrings) {
                for (const match of text.matchAll(new RegExp(expression, "g"))) {
                    pins.push({
                        file,
                        datasource: match.groups!.datasource!,
                        depName: match.groups!.depName!,
                        version: match.groups!.currentValue!,
                    });
                }
            }
        }
    }
    return pins;
}

// Istio's base, cni and gateway charts are released with istiod and must match its version.
const RENOVATE_NAME: Record<string, string> = { base: "istiod", cni: "istiod", gateway: "istiod" };

describe("dependency updates cover every pinned Helm chart", () => {
    const pins = renovatePins();

    for (const stackName of STACKS) {
        it(`every chart of the ${stackName} stack is pinned where Renovate updates it`, async () => {
            const stack = await rendered(stackName);
            const releases = ofType(stack, "kubernetes:helm.sh/v3:Release");
            assert.ok(releases.length > 0);
            for (const release of releases) {
                const { chart, version } = release.inputs as { chart: string; version: string };
                const name = RENOVATE_NAME[chart] ?? chart;
                assert.ok(
                    pins.some((pin) => pin.datasource === "helm" && pin.depName === name && pin.version === version),
                    `${stackName}: chart ${chart} ${version} has no renovate-annotated pin (found: ${
                        pins
                            .filter((p) => p.depName === name)
                            .map((p) => `${p.file} ${p.version}`)
                            .join(", ") || "none"
                    })`,
                );
            }
        });
    }
});
