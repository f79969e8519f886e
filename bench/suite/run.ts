// `npm run bench:suite`: times each step of `npm test` (type-check, lint, format check, the three test
// tiers) and `npm test` itself, each in a fresh process, and prints them beside the targets. The machine's
// load is printed too: on a shared machine the wall-clock times are an upper bound.
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { REPO_ROOT } from "../../tools/render/stack-file";

const STEPS = ["typecheck", "lint", "format:check", "test:unit", "test:render", "test:cli"] as const;
/** Seconds on a 2-core machine (issue 15). */
const TARGETS: Record<string, number> = { "test:unit": 15, test: 75 };

interface Timing {
    script: string;
    seconds: number;
    ok: boolean;
}

function time(script: string): Timing {
    const started = performance.now();
    const run = spawnSync("npm", ["run", "-s", script], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) process.stderr.write(`npm run ${script} exited ${run.status}:\n${run.stderr.slice(-2000)}\n`);
    return { script, seconds, ok: run.status === 0 };
}

function main(): number {
    const withTest = !process.argv.includes("--steps-only");
    const load = () => loadavg()[0]!.toFixed(1);
    console.log(`${cpus().length} cores, load ${load()} at start`);
    const timings = STEPS.map(time);
    if (withTest) timings.push(time("test"));
    console.log(`load ${load()} at the end\n`);
    console.log(`${"SCRIPT".padEnd(14)}${"SECONDS".padStart(8)}  TARGET  RESULT`);
    for (const t of timings) {
        const target = TARGETS[t.script];
        const verdict = !t.ok ? "FAILED" : target === undefined ? "" : t.seconds <= target ? "within target" : "over target";
        console.log(
            `${t.script.padEnd(14)}${t.seconds.toFixed(1).padStart(8)}  ${(target === undefined ? "" : `<= ${target}`).padEnd(6)}  ${verdict}`,
        );
    }
    const sum = timings.filter((t) => t.script !== "test").reduce((total, t) => total + t.seconds, 0);
    console.log(`\nsum of the steps: ${sum.toFixed(1)} s (npm test also runs npm run setup first)`);
    return timings.every((t) => t.ok) ? 0 : 1;
}

process.exitCode = main();
