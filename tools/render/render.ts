import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { PlatformMocks } from "./mocks";
import { readStackFile, REPO_ROOT, type StackFile } from "./stack-file";
import { isAbsolute, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const PROGRAM = join(REPO_ROOT, "infra", "index.ts");
export const SECRET = "[secret]";

/** One registered resource, as `plan --format json` prints it. */
export interface RenderedResource {
    type: string;
    name: string;
    urn: string;
    parent?: string;
    custom: boolean;
    inputs: Record<string, unknown>;
    /** The id and outputs the mocks gave it, as the provider would (ARNs, ids, names): what other resources' inputs refer to. */
    id: string;
    outputs: Record<string, unknown>;
    protect: boolean;
    dependsOn: string[];
    /** Input paths Pulumi leaves to someone else after creation (`ignoreChanges`), when there are any. */
    ignoreChanges?: string[];
    /** The program file and line that declared it (Pulumi's source position), when inside the project. */
    source?: { file: string; line: number };
}

/** Kubernetes objects the stack creates itself, whatever resource type carries them, as manifests (a Release carries none). */
export function kubernetesObjects(stack: RenderedStack): { resource: RenderedResource; manifest: Record<string, unknown> }[] {
    return stack.resources
        .filter(
            (r) =>
                r.custom &&
                r.type.startsWith("kubernetes:") &&
                typeof r.inputs.apiVersion === "string" &&
                typeof r.inputs.kind === "string",
        )
        .map((resource) => ({ resource, manifest: resource.inputs }));
}

/** A resource as `plan --format json` writes it: what the pack judges, without the mocks' id and outputs. */
export function planEntry({ type, name, urn, parent, inputs, protect, dependsOn, source }: RenderedResource) {
    return { type, name, urn, parent, inputs, protect, dependsOn, ...(source ? { source } : {}) };
}

export interface RenderedStack {
    stack: string;
    resources: RenderedResource[];
    /** The program's stack outputs, with secret outputs shown as "[secret]". */
    outputs: Record<string, unknown>;
    /** Inputs with their secrets in the clear, for tests that must see where secret values went; never printed. */
    secretInputs: Map<string, Record<string, unknown>>;
}

// Pulumi's wire format marks secrets, resource references, assets and unknowns with a signature key.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Turns wire-format values into plain JSON: secrets redacted (or revealed), references to URNs. */
function plain(value: unknown, revealSecrets: boolean): unknown {
    if (value === UNKNOWN) return "[unknown]";
    if (Array.isArray(value)) return value.map((v) => plain(v, revealSecrets));
    if (typeof value !== "object" || value === null) return value;
    const record = value as Record<string, unknown>;
    if (SIG_KEY in record) {
        if (record[SIG_KEY] === SECRET_SIG) return revealSecrets ? plain(record.value, revealSecrets) : SECRET;
        if (record[SIG_KEY] === RESOURCE_SIG) return record.urn;
        return `[${String(record[SIG_KEY]).slice(0, 8)}]`;
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v, revealSecrets)]));
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProtect(): boolean | undefined;
    getDependenciesList(): string[];
    getIgnorechangesList(): string[];
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getSourceposition(): { getUri(): string; getLine(): number } | undefined;
}

/** The declaring file relative to the project root; positions in dependencies say nothing to a user. */
function sourceOf(req: RegisterRequest): { source?: { file: string; line: number } } {
    const position = req.getSourceposition();
    if (!position?.getUri().startsWith("file:")) return {};
    const file = relative(REPO_ROOT, fileURLToPath(position.getUri()));
    if (file.startsWith("..") || isAbsolute(file) || file.split(sep).includes("node_modules")) return {};
    return { source: { file: file.split(sep).join("/"), line: position.getLine() } };
}

interface RegisterResponse {
    getUrn(): string;
    getId(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** The SDK's own mock monitor, which also records every registration as the engine would see it. */
class RecordingMonitor extends MockMonitor {
    readonly recorded: RenderedResource[] = [];
    readonly secretInputs = new Map<string, Record<string, unknown>>();

    override async registerResource(req: RegisterRequest, callback: (err: unknown, response: unknown) => void): Promise<void> {
        const wire = req.getObject()?.toJavaScript() ?? {};
        await super.registerResource(req, (err: unknown, response: RegisterResponse | undefined) => {
            if (!err && response) {
                const urn = response.getUrn();
                const state = response.getObject()?.toJavaScript() ?? {};
                this.recorded.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn,
                    ...(req.getParent() ? { parent: req.getParent() } : {}),
                    custom: req.getCustom(),
                    inputs: plain(wire, false) as Record<string, unknown>,
                    id: response.getId(),
                    outputs: plain(state, false) as Record<string, unknown>,
                    protect: req.getProtect() ?? false,
                    dependsOn: [...new Set(req.getDependenciesList())],
                    ...(req.getIgnorechangesList().length > 0 ? { ignoreChanges: req.getIgnorechangesList() } : {}),
                    ...sourceOf(req),
                });
                this.secretInputs.set(urn, plain(wire, true) as Record<string, unknown>);
            }
            callback(err, response);
        });
    }
}

// Internal to the SDK but stable: the promise chain every RPC joins, which the CLI host also drains,
// and the runtime's feature flags, which `setMocks` sets the same way for its own monitor.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- SDK internals without typings
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- SDK internals without typings
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, unknown> };

// eslint-disable-next-line @typescript-eslint/no-require-imports -- SDK internals without typings
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
    debugPromiseLeaks: boolean;
    debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
};

// The SDK formats a stack trace for every promise it creates (with source maps, most of a render's time),
// and shows it only when PULUMI_DEBUG_PROMISE_LEAKS is set: without that, capture none.
if (!debuggable.debugPromiseLeaks) {
    const withStackTrace = debuggable.debuggablePromise;
    debuggable.debuggablePromise = function withoutStackTrace<T>(p: Promise<T>, ctx: unknown): Promise<T> {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return withStackTrace(p, ctx);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
}

/** Installs the recording monitor with the features Pulumi's own mocks enable (secrets above all). */
function installMonitor(monitor: RecordingMonitor, stack: string): void {
    pulumi.runtime.setMockOptions(monitor, "secure-platform", stack, false);
    Object.assign(state.getStore(), {
        supportsSecrets: true,
        supportsResourceReferences: true,
        supportsOutputValues: false,
        supportsDeletedWith: true,
        supportsAliasSpecs: true,
        supportsTransforms: false,
    });
}

export interface RenderOptions {
    /** Replaces or adds config keys (fully qualified, values as JSON text) after the stack file is read. */
    configOverrides?: Record<string, string | undefined>;
    stackFile?: StackFile;
}

/**
 * Runs the program (infra/index.ts, as `pulumi up` loads it) for one stack under Pulumi's mocks, and
 * returns every resource it registered. A configuration error is thrown before anything registers.
 */
export async function renderStack(stack: string, options: RenderOptions = {}): Promise<RenderedStack> {
    const file = options.stackFile ?? readStackFile(stack);
    const config: Record<string, string> = { ...file.config };
    for (const [key, value] of Object.entries(options.configOverrides ?? {})) {
        if (value === undefined) delete config[key];
        else config[key] = value;
    }
    const region = regionOf(config);
    const monitor = new RecordingMonitor(new PlatformMocks(region));
    pulumi.runtime.setAllConfig(config, file.secretKeys);
    installMonitor(monitor, stack);

    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
        delete require.cache[require.resolve(PROGRAM)];
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- re-run the program after clearing its cache entry
        const program = require(PROGRAM) as Record<string, unknown>;
        await settings.waitForRPCs();
        const outputs: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(program)) {
            if (value === undefined) continue;
            const output = pulumi.output(value);
            const secret = await pulumi.isSecret(output);
            const resolved = await new Promise((resolve) => output.apply(resolve));
            outputs[key] = secret ? SECRET : resolved;
        }
        await settings.waitForRPCs();
        if (failures.length > 0) throw failures[0];
        return { stack, resources: monitor.recorded, outputs, secretInputs: monitor.secretInputs };
    } catch (error) {
        // Callers (and tests) learn how far the program got: a config error must leave nothing registered.
        if (error instanceof Error) Object.assign(error, { resourcesRegistered: monitor.recorded.length });
        throw error;
    } finally {
        process.off("unhandledRejection", onRejection);
    }
}

function regionOf(config: Record<string, string>): string {
    if (config["aws:region"]) return config["aws:region"];
    try {
        const cluster = JSON.parse(config["secure-platform:cluster"] ?? "{}") as { region?: string };
        return cluster.region ?? "us-east-1";
    } catch {
        return "us-east-1";
    }
}
