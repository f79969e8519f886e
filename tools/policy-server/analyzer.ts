// Starts a policy pack as the Pulumi CLI does (its own process, which prints the port of its
// Analyzer gRPC server on stdout) and talks to it with the Analyzer client of @pulumi/pulumi.
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    AnalyzeRequest,
    AnalyzeResponse,
    AnalyzeStackRequest,
    AnalyzerResource,
    AnalyzerResourceOptions,
    AnalyzerInfo,
    ConfigureAnalyzerRequest,
    PolicyConfig,
    EnforcementLevel,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

export interface RunningPack {
    port: number;
    /** The pack's process, for what it costs (benchmarks read its CPU time). */
    pid: number;
    /** Milliseconds from spawn to the port on stdout. */
    startupMs: number;
    client: AnalyzerClient;
    stop(): Promise<void>;
}

/**
 * How the pack process is started: `cli` as the Pulumi CLI's Node.js host does (@pulumi/pulumi's
 * run-policy-pack, which compiles TypeScript with ts-node), `tsx` straight from source.
 */
export type StartMode = "cli" | "tsx";

// The CLI passes the engine's address first; the runner drops it before loading the pack.
const ENGINE_ADDRESS = "127.0.0.1:0";

export function startPack(dir: string, mode: StartMode = "cli", timeoutMs = 60_000): Promise<RunningPack> {
    const started = process.hrtime.bigint();
    const args =
        mode === "cli"
            ? [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), ENGINE_ADDRESS, "."]
            : ["--require", "tsx/cjs", "index.ts"];
    const child: ChildProcess = spawn(process.execPath, args, { cwd: resolve(dir), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolvePack, reject) => {
        const timer = setTimeout(() => {
            child.kill();
            reject(new Error(`policy pack in ${dir} printed no port within ${timeoutMs} ms: ${stderr}`));
        }, timeoutMs);
        let stdout = "";
        child.stdout!.on("data", (d: Buffer) => {
            stdout += d.toString();
            const match = /^(\d+)\s*$/m.exec(stdout);
            if (!match) return;
            clearTimeout(timer);
            const port = Number(match[1]);
            const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
                "grpc.max_receive_message_length": 400 * 1024 * 1024,
            });
            resolvePack({
                port,
                pid: child.pid!,
                startupMs: Number(process.hrtime.bigint() - started) / 1e6,
                client,
                stop: () =>
                    new Promise((done) => {
                        client.close();
                        child.once("exit", () => done());
                        child.kill();
                    }),
            });
        });
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`policy pack in ${dir} exited with ${code} before printing its port: ${stderr}`));
        });
    });
}

export function getAnalyzerInfo(client: AnalyzerClient): Promise<AnalyzerInfo> {
    return new Promise((ok, fail) => client.getAnalyzerInfo(new Empty(), (err, res) => (err ? fail(err) : ok(res))));
}

export interface AnalyzedResource {
    type: string;
    name: string;
    urn?: string;
    props: Record<string, unknown>;
    parent?: string;
    dependencies?: string[];
}

/** The URN a request carries: the resource's own, or one made up from its type and name. */
export const urnOf = (r: AnalyzedResource) => r.urn ?? `urn:pulumi:test::test::${r.type}::${r.name}`;
const struct = (props: Record<string, unknown>) => Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]);

/** The request the CLI sends for one resource (it always sends resource options; the pack refuses requests without them). */
export function analyzeRequest(resource: AnalyzedResource): AnalyzeRequest {
    const req = new AnalyzeRequest();
    req.setType(resource.type);
    req.setName(resource.name);
    req.setUrn(urnOf(resource));
    req.setProperties(struct(resource.props));
    req.setOptions(new AnalyzerResourceOptions());
    return req;
}

export function analyze(client: AnalyzerClient, resource: AnalyzedResource): Promise<AnalyzeResponse> {
    const req = analyzeRequest(resource);
    return new Promise((ok, fail) => client.analyze(req, (err, res) => (err ? fail(err) : ok(res))));
}

/** What the CLI sends after a preview: every resource of the stack, with its parent and dependencies. */
export function analyzeStack(client: AnalyzerClient, resources: AnalyzedResource[]): Promise<AnalyzeResponse> {
    const req = new AnalyzeStackRequest();
    for (const r of resources) {
        const resource = new AnalyzerResource();
        resource.setType(r.type);
        resource.setName(r.name);
        resource.setUrn(urnOf(r));
        resource.setProperties(struct(r.props));
        resource.setOptions(new AnalyzerResourceOptions());
        if (r.parent) resource.setParent(r.parent);
        resource.setDependenciesList(r.dependencies ?? []);
        req.addResources(resource);
    }
    return new Promise((ok, fail) => client.analyzeStack(req, (err, res) => (err ? fail(err) : ok(res))));
}

const LEVELS: Record<string, EnforcementLevel> = {
    advisory: EnforcementLevel.ADVISORY,
    mandatory: EnforcementLevel.MANDATORY,
    disabled: EnforcementLevel.DISABLED,
    remediate: EnforcementLevel.REMEDIATE,
};

/** Sends a pack config as the CLI does after reading `--policy-pack-config`. */
export function configure(
    client: AnalyzerClient,
    config: Record<string, { enforcementLevel: string } & Record<string, unknown>>,
): Promise<void> {
    const req = new ConfigureAnalyzerRequest();
    for (const [name, { enforcementLevel, ...properties }] of Object.entries(config)) {
        const policyConfig = new PolicyConfig();
        policyConfig.setEnforcementlevel(LEVELS[enforcementLevel]);
        policyConfig.setProperties(struct(properties));
        req.getPolicyconfigMap().set(name, policyConfig);
    }
    return new Promise((ok, fail) => client.configure(req, (err) => (err ? fail(err) : ok())));
}
