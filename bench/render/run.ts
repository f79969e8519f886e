// bench/render: time to render each stack in a fresh process, next to the floor measured in the same
// run (a fresh process that only loads @pulumi/pulumi and the providers), and their ratio.
// Usage: npm run bench:render [-- --runs 5]
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { progressOn } from "../../tools/cli/output";
import { listStacks, REPO_ROOT } from "../../tools/render/stack-file";

const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;

function timeProcess(script: string, args: string[] = []): { ms: number; stdout: string } {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, script), ...args], { cwd: REPO_ROOT, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`${script} ${args.join(" ")} failed: ${result.stderr}`);
    return { ms, stdout: result.stdout.trim() };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const stacks = listStacks();
const samples = new Map<string, number[]>([["floor", []], ...stacks.map((s) => [s, []] as [string, number[]])]);
const resources = new Map<string, string>();
// Minutes of work: a terminal sees where it is; CI's log stays the table alone.
const progress = progressOn();
// Interleave the floor and the stacks so that machine noise falls on all of them alike.
for (let run = 0; run < RUNS; run++) {
    progress?.(`run ${run + 1} of ${RUNS}: floor`);
    samples.get("floor")!.push(timeProcess("floor.ts").ms);
    for (const stack of stacks) {
        progress?.(`run ${run + 1} of ${RUNS}: ${stack}`);
        const { ms, stdout } = timeProcess("render-one.ts", [stack]);
        samples.get(stack)!.push(ms);
        resources.set(stack, stdout);
    }
}

progress?.("");
const floor = median(samples.get("floor")!);
console.log(`bench/render: ${RUNS} runs per row, median wall time of a fresh process (node ${process.version})`);
console.log(`${"row".padEnd(10)} ${"resources".padStart(9)} ${"median ms".padStart(10)} ${"min ms".padStart(8)} ${"x floor".padStart(8)}`);
console.log(
    `${"floor".padEnd(10)} ${"-".padStart(9)} ${floor.toFixed(0).padStart(10)} ${Math.min(...samples.get("floor")!)
        .toFixed(0)
        .padStart(8)} ${"1.00".padStart(8)}`,
);
for (const stack of stacks) {
    const values = samples.get(stack)!;
    const m = median(values);
    console.log(
        `${stack.padEnd(10)} ${resources.get(stack)!.padStart(9)} ${m.toFixed(0).padStart(10)} ${Math.min(...values)
            .toFixed(0)
            .padStart(8)} ${(m / floor).toFixed(2).padStart(8)}`,
    );
}
