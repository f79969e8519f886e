// package.json's engines.node is what CI and developers run; every installed package must accept its lowest
// version, or npm warns EBADENGINE on install and the package may use what that Node.js lacks.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { REPO_ROOT } from "../tools/render/stack-file";

interface LockEntry {
    version?: string;
    link?: boolean;
    engines?: Record<string, string> | string[];
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(join(REPO_ROOT, file), "utf8"));

/** The node range a lockfile entry declares: engines is an object, or (old packages) a list of "node <range>". */
function nodeRange(engines: LockEntry["engines"]): string | undefined {
    if (Array.isArray(engines)) {
        const entry = engines.find((e) => /^node\b/.test(e.trim()));
        return entry?.trim().replace(/^node\s*/, "");
    }
    return engines?.node;
}

describe("engines: every installed package runs on the project's lowest Node.js", () => {
    const project = readJson("package.json") as { engines: { node: string } };
    const lowest = semver.minVersion(project.engines.node);
    const lock = readJson("package-lock.json") as { packages: Record<string, LockEntry> };

    it("package.json's engines.node has a lowest version", () => {
        assert.ok(lowest, `engines.node ${project.engines.node} is not a range with a lowest version`);
        assert.equal(lowest.version, "20.19.0");
    });

    it("no package in package-lock.json declares a node range that excludes it", () => {
        const refused: string[] = [];
        let checked = 0;
        for (const [path, entry] of Object.entries(lock.packages)) {
            const range = nodeRange(entry.engines);
            if (path === "" || range === undefined) continue;
            checked += 1;
            if (semver.validRange(range) === null) refused.push(`${path}@${entry.version}: engines.node "${range}" is not a semver range`);
            else if (!semver.satisfies(lowest!, range)) refused.push(`${path}@${entry.version}: engines.node "${range}"`);
        }
        // The lockfile carries engines for hundreds of packages: none read would mean the format changed.
        assert.ok(checked > 100, `only ${checked} lockfile entries declare engines.node`);
        assert.deepEqual(refused, [], `packages that do not run on Node.js ${lowest!.version}`);
    });
});
