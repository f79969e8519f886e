// npm run bench:policy: prints how fast the pack judges resources, in process, on the engine path
// beside AWSGuard, and over gRPC beside an empty pack.
// First: AWSGuard takes its own copy of @pulumi/policy before the pack loads one (see ./awsguard).
import { awsGuard, awsGuardHandler, type AnalyzeHandler } from "./awsguard";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluate, type ResourceInput } from "../../policy-pack/lib/evaluate";
import { packPolicies } from "../../policy-pack/lib/pulumi";
import { allPolicies } from "../../policy-pack/policies";
import { analyze, startPack, type AnalyzedResource, type RunningPack, type StartMode } from "../../tools/policy-server/analyzer";
import { AWS_TYPES, awsResources } from "./aws-resources";
import { measureEngine, type EngineFigures, type EnginePack } from "./engine";
import { startReplay } from "./replay";

const RESOURCES = 10_000;
const ENGINE_PASSES = 3;
const ANALYZE_CALLS = 3_000;
const TURN_CALLS = 100;
// Calls each pack answers before the measured ones, whatever the number of distinct resources, so that
// both are measured at their steady rate: JIT compilation of the pack's code is not counted.
const WARM_UP_CALLS = 500;
const STARTS = 3;

/** A stack-shaped mix: workloads (half of them non-compliant), services, config, RBAC, mesh, Vault and AWS. */
function generate(n: number): ResourceInput[] {
    const out: ResourceInput[] = [];
    for (let i = 0; i < n; i++) {
        const ns = `team-${i % 50}`;
        const bad = i % 2 === 1;
        switch (i % 10) {
            case 0:
            case 1:
            case 2:
            case 3: {
                const kinds = [
                    ["apps/v1", "Deployment"],
                    ["apps/v1", "StatefulSet"],
                    ["batch/v1", "Job"],
                    ["apps/v1", "DaemonSet"],
                ];
                const [group, kind] = kinds[i % 4];
                const pod = {
                    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: "app",
                            image: `registry.example.com/app-${i}:1.${i % 9}.0`,
                            resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                            securityContext: { allowPrivilegeEscalation: bad, privileged: bad, capabilities: { drop: ["ALL"] } },
                        },
                    ],
                    initContainers: [
                        {
                            name: "init",
                            image: "registry.example.com/init:2.0.0",
                            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                        },
                    ],
                };
                out.push({
                    type: `kubernetes:${group}:${kind}`,
                    name: `w${i}`,
                    props: {
                        apiVersion: group,
                        kind,
                        metadata: { name: `w${i}`, namespace: ns },
                        spec: { template: { metadata: { labels: { app: `w${i}` } }, spec: pod } },
                    },
                });
                break;
            }
            case 4:
                out.push({
                    type: "kubernetes:core/v1:Service",
                    name: `s${i}`,
                    props: {
                        metadata: { name: `s${i}`, namespace: ns },
                        spec: { type: bad ? "NodePort" : "ClusterIP", ports: [{ port: 80 }] },
                    },
                });
                break;
            case 5:
                out.push({
                    type: "kubernetes:core/v1:ConfigMap",
                    name: `c${i}`,
                    props: {
                        metadata: { name: `c${i}`, namespace: ns },
                        data: { LOG_LEVEL: "info", ...(bad ? { DB_PASSWORD: "x" } : {}) },
                    },
                });
                break;
            case 6:
                out.push({
                    type: "kubernetes:rbac.authorization.k8s.io/v1:Role",
                    name: `r${i}`,
                    props: {
                        metadata: { name: `r${i}`, namespace: ns },
                        rules: [{ apiGroups: [""], resources: ["pods"], verbs: bad ? ["*"] : ["get"] }],
                    },
                });
                break;
            case 7:
                out.push({
                    type: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
                    name: `a${i}`,
                    props: {
                        metadata: { name: `a${i}`, namespace: ns },
                        spec: { rules: [{ from: [{ source: { principals: [bad ? "*" : `cluster.local/ns/${ns}/sa/web`] } }] }] },
                    },
                });
                break;
            case 8:
                out.push({
                    type: "aws:ec2/securityGroup:SecurityGroup",
                    name: `sg${i}`,
                    props: { ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: [bad ? "0.0.0.0/0" : "10.0.0.0/8"] }] },
                });
                break;
            default:
                out.push({
                    type: "vault:kubernetes/authBackendRole:AuthBackendRole",
                    name: `v${i}`,
                    props: {
                        roleName: `v${i}`,
                        boundServiceAccountNames: ["web"],
                        boundServiceAccountNamespaces: [ns],
                        tokenTtl: bad ? 86400 : 600,
                        tokenMaxTtl: 3600,
                        audience: "vault",
                    },
                });
        }
    }
    return out;
}

function seconds(start: bigint): number {
    return Number(process.hrtime.bigint() - start) / 1e9;
}

async function inProcess(): Promise<void> {
    const input = JSON.stringify(generate(RESOURCES));
    // Baseline: only parse the input and copy every resource once.
    let t = process.hrtime.bigint();
    const copied = (JSON.parse(input) as ResourceInput[]).map((r) => structuredClone(r));
    const parseCopy = seconds(t);
    // Warm-up on a slice, so module loading and JIT are not counted.
    await evaluate(copied.slice(0, 500), {}, { policies: allPolicies });
    t = process.hrtime.bigint();
    const report = await evaluate(JSON.parse(input) as ResourceInput[], {}, { policies: allPolicies, stackPolicies: true });
    const evaluated = seconds(t);
    console.log(`In process, ${RESOURCES} generated resources, ${allPolicies.length} policies:`);
    console.log(
        `  parse + copy only       ${(RESOURCES / parseCopy).toFixed(0).padStart(10)} resources/s  (${(parseCopy * 1000).toFixed(1)} ms)`,
    );
    console.log(
        `  parse + evaluate pack   ${(RESOURCES / evaluated).toFixed(0).padStart(10)} resources/s  (${(evaluated * 1000).toFixed(1)} ms, ${report.violations.length} violations)`,
    );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The same resources through each pack's @pulumi/policy Analyze handler, as the pack process runs it. */
async function enginePath(): Promise<void> {
    const server = require("@pulumi/policy/server") as { makeAnalyzeRpcFun(...args: unknown[]): AnalyzeHandler };
    const version = (JSON.parse(readFileSync(join(__dirname, "..", "..", "policy-pack", "package.json"), "utf8")) as { version: string })
        .version;
    // As policy-pack/index.ts serves them.
    const ours = packPolicies(allPolicies);
    const packs: EnginePack[] = [
        {
            label: `secure-platform pack (${ours.length} policies)`,
            analyze: server.makeAnalyzeRpcFun("secure-platform-baseline", version, "mandatory", ours),
        },
        { label: `AWSGuard ${awsGuard.version} (${awsGuard.policies.length} policies)`, analyze: awsGuardHandler },
        { label: "empty pack", analyze: server.makeAnalyzeRpcFun("empty-pack", "0.0.1", "advisory", []) },
    ];
    const resources = awsResources(RESOURCES);
    await measureEngine(packs, resources); // warm-up: module loading and JIT are not counted
    const passes: EngineFigures[][] = [];
    for (let i = 0; i < ENGINE_PASSES; i++) passes.push(await measureEngine(packs, resources));
    console.log(
        `\nEngine path: @pulumi/policy's Analyze handler (each pack with its own copy, as in its own process), request decoded and ` +
            `response encoded, ${RESOURCES} generated AWS resources of ${AWS_TYPES.length} types, packs taking turns every 500, ${ENGINE_PASSES} passes:`,
    );
    packs.forEach((p, i) => {
        const cpu = passes.map((pass) => pass[i].cpuPerResource);
        console.log(
            `  ${p.label.padEnd(38)} ${median(cpu).toFixed(1).padStart(7)} µs CPU per resource  [${cpu.map((c) => c.toFixed(1)).join(", ")}]  ${passes[0][i].diagnostics} diagnostics`,
        );
    });
    const ratios = passes.map((pass) => pass[0].cpuPerResource / pass[1].cpuPerResource);
    console.log(
        `  ours / AWSGuard                        ${median(ratios).toFixed(2).padStart(7)}  [${ratios.map((r) => r.toFixed(2)).join(", ")}]  (target <= 1.0)`,
    );
}

/** CPU seconds a process has used so far (Linux: utime + stime of /proc/<pid>/stat, in clock ticks of 10 ms). */
function cpuSecondsOf(pid: number): number {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Rate {
    rate: number;
    cpuMs: number;
    /** Seconds of each turn, in turn order: the packs' turns of one round ran side by side. */
    turns: number[];
}

/**
 * Sequential Analyze calls after WARM_UP_CALLS each, the packs taking turns every TURN_CALLS calls:
 * calls per second, the pack process's CPU per call, and each turn's time.
 */
async function analyzeRates(packs: RunningPack[], resources: AnalyzedResource[]): Promise<Rate[]> {
    const seconds = packs.map(() => 0);
    const cpu = packs.map(() => 0);
    const turns: number[][] = packs.map(() => []);
    for (const pack of packs) for (let c = 0; c < WARM_UP_CALLS; c++) await analyze(pack.client, resources[c % resources.length]);
    for (let start = 0, turn = 0; start < ANALYZE_CALLS; start += TURN_CALLS, turn++) {
        for (let k = 0; k < packs.length; k++) {
            const i = (k + turn) % packs.length;
            const t = process.hrtime.bigint();
            const used = cpuSecondsOf(packs[i].pid);
            for (let c = start; c < start + TURN_CALLS; c++) await analyze(packs[i].client, resources[c % resources.length]);
            const took = Number(process.hrtime.bigint() - t) / 1e9;
            seconds[i] += took;
            turns[i].push(took);
            cpu[i] += cpuSecondsOf(packs[i].pid) - used;
        }
    }
    return seconds.map((s, i) => ({ rate: ANALYZE_CALLS / s, cpuMs: (cpu[i] / ANALYZE_CALLS) * 1000, turns: turns[i] }));
}

/**
 * How many times slower `slow` was than `fast`: the median over rounds of the two packs' turn times
 * in one round, which ran side by side, with the quartiles. On a shared machine a burst of other work
 * slows the turns it falls on; the median of paired turns is not moved by it, the ratio of totals is.
 */
function pairedRatio(slow: Rate, fast: Rate): string {
    const ratios = slow.turns.map((t, i) => t / fast.turns[i]).sort((a, b) => a - b);
    const q = (f: number) => ratios[Math.min(ratios.length - 1, Math.floor(f * ratios.length))].toFixed(2);
    return `${q(0.5).padStart(10)}  [quartiles ${q(0.25)}, ${q(0.75)}; ratio of the totals ${(slow.turns.reduce((a, b) => a + b) / fast.turns.reduce((a, b) => a + b)).toFixed(2)}]`;
}

/**
 * Analyze rates over gRPC, beside an empty pack and, for one Deployment, the replay pack (./replay),
 * whose rate is the floor under any pack that reports that Deployment's findings.
 */
async function grpc(packDir: string, emptyDir: string): Promise<void> {
    const packs = [await startPack(packDir), await startPack(emptyDir)];
    try {
        const deployment = generate(1) as AnalyzedResource[];
        const aws = awsResources(ANALYZE_CALLS) as AnalyzedResource[];
        packs.push(await startReplay(packs[0], deployment));
        const line = (label: string, f: { rate: number; cpuMs: number }) =>
            `  ${label.padEnd(22)} ${f.rate.toFixed(0).padStart(10)} calls/s  (${(1000 / f.rate).toFixed(2)} ms per call; the pack process's CPU ${f.cpuMs.toFixed(2)} ms per call)`;
        const heading = (what: string, n: number) =>
            `\nAnalyze over gRPC, ${ANALYZE_CALLS} sequential calls each (${what}) after ${WARM_UP_CALLS} to warm up, the ${n} packs taking turns every ${TURN_CALLS}:`;

        const [ours, empty, replay] = await analyzeRates(packs, [...deployment]);
        console.log(heading("one Deployment", 3));
        console.log(line("secure-platform pack", ours));
        console.log(line("empty pack", empty));
        console.log(line("replay of its findings", replay));
        const findings = (await analyze(packs[0].client, deployment[0])).getDiagnosticsList().length;
        console.log(`  ours / empty           ${pairedRatio(ours, empty)}  (one resource with ${findings} findings)`);
        console.log(
            `  replay / empty         ${pairedRatio(replay, empty)}  (the floor: what serving those findings costs @pulumi/policy's server, nothing judged)`,
        );
        console.log(`  ours / replay          ${pairedRatio(ours, replay)}  (what the pack's own judging adds)`);

        const [oursAws, emptyAws] = await analyzeRates(packs.slice(0, 2), [...aws]);
        console.log(heading("the generated AWS resources", 2));
        console.log(line("secure-platform pack", oursAws));
        console.log(line("empty pack", emptyAws));
        console.log(`  ours / empty           ${pairedRatio(oursAws, emptyAws)}  (target within 1.2)`);
    } finally {
        for (const p of packs) await p.stop();
    }
}

async function startup(dir: string, mode: StartMode): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < STARTS; i++) {
        const pack = await startPack(dir, mode);
        times.push(pack.startupMs);
        await pack.stop();
    }
    return times;
}

async function main(): Promise<void> {
    await inProcess();
    await enginePath();
    const packDir = join(__dirname, "..", "..", "policy-pack");
    const emptyDir = join(__dirname, "empty-pack");
    await grpc(packDir, emptyDir);
    const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms  [${xs.map((x) => x.toFixed(0)).join(", ")}]`;
    for (const [mode, how] of [
        ["cli", "as the Pulumi CLI starts it (run-policy-pack, ts-node)"],
        ["tsx", "node --require tsx/cjs"],
    ] as const) {
        console.log(`\nStart-up to port on stdout, ${how}, ${STARTS} starts each:`);
        console.log(`  secure-platform pack   ${fmt(await startup(packDir, mode))}`);
        console.log(`  empty pack             ${fmt(await startup(emptyDir, mode))}`);
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
