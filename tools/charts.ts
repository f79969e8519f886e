// `npm run charts:check -- --stack <s>`: renders every Release of a stack with a real Helm and checks what
// the cluster would receive. `npm run charts:render -- --stack <s> --out DIR` writes the rendered objects.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { stringify } from "yaml";
import { ConfigError } from "../infra/config";
import { PackConfigError } from "../policy-pack/lib/config";
import { readStackPolicyConfig } from "../policy-pack/lib/plan";
import { ChartNotCachedError, DEFAULT_CHARTS_DIR } from "./charts/cache";
import { runChartChecks, type StackCheck } from "./charts/checks";
import { findHelm, HelmError } from "./charts/helm";
import { emit, oneLine, processIo, userPath, type Io } from "./cli/output";
import { ReleaseInputError, renderCharts } from "./charts/render";
import { platformConfigOf } from "./render/platform-config";
import { renderStack } from "./render/render";
import { listStacks, readStackFile, StackFileError } from "./render/stack-file";
import type { ChartRendering } from "./charts/types";

const EXIT_FINDINGS = 1;
const EXIT_BAD_INPUT = 2;
const INPUT_ERRORS = [ConfigError, StackFileError, PackConfigError, HelmError, ChartNotCachedError, ReleaseInputError];

interface CommonOptions {
    stack: string[];
    all?: boolean;
    charts: string;
    pull: boolean;
}

function stacksOf(options: CommonOptions): string[] {
    const stacks = options.all ? listStacks() : options.stack;
    if (stacks.length === 0) throw new StackFileError(`give --stack <name> (repeatable) or --all; stacks: ${listStacks().join(", ")}`);
    return stacks;
}

async function render(stack: string, options: CommonOptions, helm: string, io: Io): Promise<ChartRendering> {
    const file = readStackFile(stack);
    const config = platformConfigOf(file);
    const program = await renderStack(stack, { stackFile: file });
    return renderCharts(program, {
        helm,
        chartsDir: userPath(options.charts, io.cwd),
        pull: options.pull,
        kubernetesVersion: config.cluster.kubernetesVersion,
    });
}

function formatStack(result: StackCheck): string {
    const lines = [
        `Stack ${result.stack}: ${result.objects} objects rendered from ${result.releases.length} releases (${result.releases.map((r) => `${r.name} ${r.chart}@${r.version}: ${r.objects}`).join(", ")})`,
    ];
    for (const check of result.checks) {
        lines.push(`  ${`${check.check}:`.padEnd(11)}${check.summary}`);
    }
    for (const check of result.checks) {
        for (const finding of check.findings) lines.push(`  ${check.check.toUpperCase()}  ${finding.subject}: ${finding.message}`);
    }
    return lines.join("\n");
}

async function check(options: CommonOptions & { format: "text" | "json"; output?: string }, io: Io): Promise<number> {
    const helm = await findHelm();
    const results: StackCheck[] = [];
    for (const stack of stacksOf(options)) {
        const rendering = await render(stack, options, helm, io);
        const result = await runChartChecks(rendering, readStackPolicyConfig(stack));
        results.push(result);
        if (options.format === "text") await io.out(`${formatStack(result)}\n\n`);
    }
    const findings = results.reduce((sum, r) => sum + r.checks.reduce((n, c) => n + c.findings.length, 0), 0);
    if (options.format === "json") {
        await emit(io, `${JSON.stringify({ stacks: results, findings }, null, 2)}\n`, options.output);
    } else {
        await io.out(
            findings === 0 ? `No findings in ${results.length} stack(s).\n` : `${findings} finding(s) in ${results.length} stack(s).\n`,
        );
    }
    return findings === 0 ? 0 : EXIT_FINDINGS;
}

async function writeRendered(options: CommonOptions & { out: string }, io: Io): Promise<number> {
    const helm = await findHelm();
    for (const stack of stacksOf(options)) {
        const rendering = await render(stack, options, helm, io);
        const dir = join(userPath(options.out, io.cwd), stack);
        mkdirSync(dir, { recursive: true });
        for (const release of rendering.releases) {
            const text = release.objects.map((o) => `# Source: ${o.source}\n${stringify(o.manifest)}`).join("---\n");
            writeFileSync(join(dir, `${release.name}.yaml`), text);
        }
        await io.out(`${stack}: ${rendering.releases.length} releases written to ${dir}\n`);
    }
    return 0;
}

function commonOptions(command: Command): Command {
    return command
        .addOption(
            new Option("-s, --stack <name>", `a stack from stacks/ (${listStacks().join(", ")}); repeatable`)
                .argParser((v: string, prev: string[]) => [...prev, v])
                .default([]),
        )
        .option("--all", "every stack in stacks/")
        .option(
            "--charts <dir>",
            "the chart cache: <chart>-<version>.tgz as helm pull writes them, or unpacked chart folders",
            DEFAULT_CHARTS_DIR,
        )
        .option("--no-pull", "never pull: every pinned chart must already be in the cache (air-gapped mirrors)");
}

function command(io: Io, run: (work: Promise<number>) => void): Command {
    const program = new Command("charts")
        .description("Render the stack's Helm releases with a real Helm and check what the cluster receives")
        .exitOverride()
        .configureOutput({ writeOut: (text) => void io.out(text), writeErr: (text) => void io.err(text) });
    commonOptions(program.command("check").description("policy pack, admission, network flows and CRD schemas over the rendered charts"))
        .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
        .option("-o, --output <file>", "write the JSON report to this file (npm prints its own banner on stdout)")
        .exitOverride()
        .action((options) => run(check(options, io)));
    commonOptions(program.command("render").description("write each release's rendered objects to <out>/<stack>/<release>.yaml"))
        .requiredOption("--out <dir>", "output folder")
        .exitOverride()
        .action((options) => run(writeRendered(options, io)));
    return program;
}

/**
 * Runs `charts` with the arguments after `--` and returns its exit code: 0 no finding, 1 findings, 2 bad
 * input or anything unexpected, always as one line on io.err.
 */
export async function runCharts(args: string[], io: Io = processIo()): Promise<number> {
    try {
        let work: Promise<number> = Promise.resolve(EXIT_BAD_INPUT);
        await command(io, (started) => (work = started)).parseAsync(args, { from: "user" });
        return await work;
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
        if (INPUT_ERRORS.some((type) => error instanceof type)) await io.err(`${(error as Error).message}\n`);
        else await io.err(`charts failed: ${oneLine(error)}\n`);
        return EXIT_BAD_INPUT;
    }
}

if (require.main === module) void runCharts(process.argv.slice(2)).then((code) => process.exit(code));
