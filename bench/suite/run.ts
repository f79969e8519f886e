// `npm run bench:suite`: times each step of `npm test` (type-check, lint, format check, the three test
// tiers) and `npm test` itself, each in a fresh process, and prints them beside the targets. The static
// checks keep caches under node_modules/.cache: `npm test` is timed cold (caches removed, as on a clean
// clone in CI) and warm (run again, as a developer's next run). The machine's load is printed too: on a
// shared machine the wall-clock times are an upper bound.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../tools/render/stack-file";

/** Where typecheck, lint and format:check keep their caches (package.json), and nothing else: a clean clone has none. */
const CACHE_DIR = join(REPO_ROOT, "node_modules", ".cache");

const STEPS = ["typecheck", "lint", "format:check", "test:unit", "test:render", "test:cli"] as const;
/** Seconds on a 2-core machine (issue 15). */
const TARGETS: Record<string, number> = { "test:unit": 15, "test (cold)": 75, "test (warm)": 75 };

interface Timing {
    script: string;
    seconds: number;
    ok: boolean;
}

function time(script: string, label = script): Timing {
    const started = performance.now();
    const run = spawnSync("npm", ["run", "-s", script], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) process.stderr.write(`npm run ${script} exited ${run.status}:\n${run.stderr.slice(-2000)}\n`);
    return { script: label, seconds, ok: run.status === 0 };
}

function main(): number {
    const withTest = !process.argv.includes("--steps-only");
    const load = () => loadavg()[0]!.toFixed(1);
    console.log(`${cpus().length} cores, load ${load()} at start`);
    const clearCaches = () => rmSync(CACHE_DIR, { recursive: true, force: true });
    clearCaches();
    const timings = STEPS.map((step) => time(step));
    if (withTest) {
        clearCaches();
        timings.push(time("test", "test (cold)"), time("test", "test (warm)"));
    }
    console.log(`load ${load()} at the end\n`);
    console.log(`${"SCRIPT".padEnd(14)}${"SECONDS".padStart(8)}  TARGET  RESULT`);
    for (const t of timings) {
        const target = TARGETS[t.script];
        const verdict = !t.ok ? "FAILED" : target === undefined ? "" : t.seconds <= target ? "within target" : "over target";
        console.log(
            `${t.script.padEnd(14)}${t.seconds.toFixed(1).padStart(8)}  ${(target === undefined ? "" : `<= ${target}`).padEnd(6)}  ${verdict}`,
        );
    }
    const sum = timings.filter((t) => !t.script.startsWith("test (")).reduce((total, t) => total + t.seconds, 0);
    console.log(`\nsum of the steps: ${sum.toFixed(1)} s (npm test also runs npm run setup first)`);
    return timings.every((t) => t.ok) ? 0 : 1;
}

process.exitCode = main();
