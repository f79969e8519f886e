// npm run bench:policy: prints how fast the pack judges resources, in process and over gRPC.
import { join } from "node:path";
import { evaluate, type ResourceInput } from "../../policy-pack/lib/evaluate";
import { allPolicies } from "../../policy-pack/policies";
import { analyze, startPack, type RunningPack, type StartMode } from "../../tools/policy-server/analyzer";

const RESOURCES = 10_000;
const ANALYZE_CALLS = 1_000;
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

async function analyzeRate(pack: RunningPack, label: string): Promise<void> {
    const resource = generate(1)[0] as { type: string; name: string; props: Record<string, unknown> };
    for (let i = 0; i < 50; i++) await analyze(pack.client, resource); // warm-up
    const t = process.hrtime.bigint();
    for (let i = 0; i < ANALYZE_CALLS; i++) await analyze(pack.client, resource);
    const elapsed = seconds(t);
    console.log(
        `  ${label.padEnd(22)} ${(ANALYZE_CALLS / elapsed).toFixed(0).padStart(10)} calls/s  (${((elapsed / ANALYZE_CALLS) * 1000).toFixed(2)} ms per call)`,
    );
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
    const packDir = join(__dirname, "..", "..", "policy-pack");
    const emptyDir = join(__dirname, "empty-pack");
    const fmt = (xs: number[]) =>
        `median ${[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0)} ms  [${xs.map((x) => x.toFixed(0)).join(", ")}]`;
    for (const [mode, how] of [
        ["cli", "as the Pulumi CLI starts it (run-policy-pack, ts-node)"],
        ["tsx", "node --require tsx/cjs"],
    ] as const) {
        console.log(`\nStart-up to port on stdout, ${how}, ${STARTS} starts each:`);
        console.log(`  secure-platform pack   ${fmt(await startup(packDir, mode))}`);
        console.log(`  empty pack             ${fmt(await startup(emptyDir, mode))}`);
    }
    console.log(`\nAnalyze over gRPC, ${ANALYZE_CALLS} sequential calls (one Deployment):`);
    for (const [dir, label] of [
        [packDir, "secure-platform pack"],
        [emptyDir, "empty pack"],
    ]) {
        const pack = await startPack(dir);
        try {
            await analyzeRate(pack, label);
        } finally {
            await pack.stop();
        }
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
