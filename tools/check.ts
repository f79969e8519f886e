// npm run check -- <file-or-folder>... [--config <file>] [--format table|json|sarif] [--output FILE]
// Judges Kubernetes manifests (and rendered plans) with the policy pack, without Pulumi.
// Exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 bad input (also when one file of many was bad).
import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { parse as parseYaml } from "yaml";
import { PackConfigError, parsePackConfig, type PackConfig } from "../policy-pack/lib/config";
import { evaluate, type ResourceInput } from "../policy-pack/lib/evaluate";
import type { EvaluationReport } from "../policy-pack/lib/types";
import { allPolicies } from "../policy-pack/policies";
import { isModelledVersion, VALID_VERSIONS_TEXT, withKubernetesVersion } from "../policy-pack/policies/kubernetes/pod-security/versions";
import { InputError, displayPath, loadInputs } from "./check/manifests";
import { buildOutput, EXIT_BAD_INPUT, exitCodeOf, formatCheckTable, type CheckError, type PackConfigUsed } from "./check/report";
import { toSarif } from "./check/sarif";
import { emit, oneLine, processIo, userPath, type Io } from "./cli/output";

const FORMATS = ["table", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

export interface CheckOptions {
    config?: string;
    format: Format;
    /** Write the report here instead of stdout. */
    output?: string;
    /** SARIF URIs are relative to this folder (code scanning's checkout root). */
    base?: string;
    exclude?: string[];
    allowEmpty?: boolean;
    /** The cluster's Kubernetes version, for the pod-security policies (over the pack config's). */
    kubernetesVersion?: string;
    /** The user's directory: relative paths (inputs, --config, --output, --base) are resolved against it. */
    cwd?: string;
    progress?: (text: string) => void;
}

function readPackConfig(file: string): unknown {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(file, undefined, `cannot read the pack config: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
        return file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
        throw new InputError(
            file,
            undefined,
            `the pack config is not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${e instanceof Error ? e.message : String(e)}`,
        );
    }
}

// Manifests are judged resource by resource, so they can be judged in batches and progress shown between them.
const BATCH = 100;

async function evaluateManifests(
    resources: ResourceInput[],
    packConfig: unknown,
    progress?: (text: string) => void,
): Promise<EvaluationReport> {
    const merged: EvaluationReport = { violations: [], exemptions: [], errors: [], hasMandatory: false, resourceCount: 0, policyCount: 0 };
    for (let start = 0; start < resources.length; start += BATCH) {
        progress?.(`judged ${start} of ${resources.length} objects`);
        const report = await evaluate(resources.slice(start, start + BATCH), packConfig, { policies: allPolicies, stackPolicies: false });
        merged.violations.push(...report.violations);
        merged.exemptions.push(...report.exemptions);
        merged.errors.push(...report.errors);
        merged.hasMandatory ||= report.hasMandatory;
        merged.resourceCount += report.resourceCount;
        merged.policyCount = report.policyCount;
    }
    if (resources.length > BATCH) progress?.("");
    return merged;
}

export async function runCheck(paths: string[], options: CheckOptions): Promise<{ code: number; out: string; errors: CheckError[] }> {
    const cwd = options.cwd ?? process.cwd();
    const configFile = options.config === undefined ? undefined : userPath(options.config, cwd);
    const parsed = configFile === undefined ? undefined : parsePackConfig(readPackConfig(configFile), allPolicies, options.config!);
    const versioned = (c: PackConfig) => (options.kubernetesVersion ? withKubernetesVersion(c, options.kubernetesVersion, allPolicies) : c);
    const given = parsed && versioned(parsed);
    const input = loadInputs(paths, { cwd, exclude: options.exclude ?? [], allowEmpty: options.allowEmpty ?? false });
    const reports = [];
    const packConfigs: PackConfigUsed[] = [];
    const explicit = configFile && `--config ${displayPath(configFile, cwd)}`;
    if (input.resources.length) {
        reports.push({ report: await evaluateManifests(input.resources, given ?? versioned({}), options.progress) });
        packConfigs.push({ input: "manifests", source: explicit || "none given (--config), the policies' defaults" });
    }
    for (const plan of input.planStacks) {
        // A saved plan carries the config `plan` judged it with; --config, when given, overrides it.
        const packConfig =
            given ??
            versioned(plan.packConfig === undefined ? {} : parsePackConfig(plan.packConfig, allPolicies, `${plan.file}: packConfig`));
        reports.push({
            report: await evaluate(plan.resources, packConfig, { policies: allPolicies, stackPolicies: true }),
            stack: { file: plan.file, stack: plan.stack },
        });
        packConfigs.push({
            input: displayPath(plan.file, cwd),
            source:
                explicit ||
                (plan.packConfig === undefined
                    ? "none in the plan and none given (--config), the policies' defaults"
                    : `the plan's own (stack "${plan.stack}", derived from its stack file by plan)`),
        });
    }
    const output = buildOutput(input, reports, { cwd, packConfigs });
    const version = (JSON.parse(readFileSync(`${__dirname}/../policy-pack/package.json`, "utf8")) as { version: string }).version;
    const out =
        options.format === "json"
            ? JSON.stringify(output, null, 2)
            : options.format === "sarif"
              ? JSON.stringify(toSarif(output, allPolicies, version, { cwd, base: userPath(options.base ?? ".", cwd) }), null, 2)
              : formatCheckTable(output);
    return { code: exitCodeOf(output), out, errors: output.errors };
}

function command(io: Io): Command {
    return new Command()
        .name("check")
        .description("Judge Kubernetes manifests or a rendered plan (plan --format json) with the policy pack.")
        .argument("<paths...>", "files or folders (YAML, JSON, multi-document, List kinds, helm template output)")
        .option("--config <file>", "pack config (the file given to --policy-pack-config); a saved plan carries its own")
        .option(
            "--format <format>",
            "table, json or sarif",
            (v: string) => {
                if (!(FORMATS as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${FORMATS.join(", ")}`);
                return v as Format;
            },
            "table",
        )
        .option("-o, --output <file>", "write the report to this file instead of stdout")
        .option("--base <dir>", "SARIF: file locations are relative to this folder (default: the current directory)")
        .option(
            "--exclude <glob>",
            "skip files and folders matching the glob (repeatable; a glob without / matches any name)",
            (v: string, all: string[]) => [...all, v],
            [] as string[],
        )
        .option("--allow-empty", "accept input that holds no Kubernetes object (by default that is an error, exit 2)")
        .option(
            "--kubernetes-version <version>",
            "the cluster's Kubernetes version for Pod Security (default: the newest released)",
            (v: string) => {
                if (!isModelledVersion(v)) throw new InvalidArgumentError(`expected ${VALID_VERSIONS_TEXT}`);
                return v;
            },
        )
        .exitOverride()
        .configureOutput({ writeOut: (s) => void io.out(s), writeErr: (s) => void io.err(s) });
}

/** Runs `check` with the arguments after `--` and returns its exit code; every failure is one line on io.err. */
export async function runCheckCli(args: string[], io: Io = processIo()): Promise<number> {
    try {
        const program = command(io).parse(args, { from: "user" });
        const options = program.opts<Omit<CheckOptions, "cwd" | "progress">>();
        const { code, out, errors } = await runCheck(program.args, {
            ...options,
            cwd: io.cwd,
            // Progress only where a person watches: the table on a terminal.
            ...(io.progress && options.format === "table" && options.output === undefined ? { progress: io.progress } : {}),
        });
        await emit(io, out + "\n", options.output);
        // The table on stdout lists them already; a file or a machine format must not hide them from the user.
        if (options.format !== "table" || options.output !== undefined)
            for (const e of errors) await io.err(`check: not judged: ${e.file}${e.line ? `:${e.line}` : ""}: ${e.message}\n`);
        return code;
    } catch (e) {
        if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
        await io.err(`check: ${e instanceof InputError || e instanceof PackConfigError ? e.message : oneLine(e)}\n`);
        return EXIT_BAD_INPUT;
    }
}

if (require.main === module) void runCheckCli(process.argv.slice(2)).then((code) => (process.exitCode = code));
