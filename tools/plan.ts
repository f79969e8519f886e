// `npm run plan -- --stack <name> [--format summary|json] [--output FILE]`: renders a stack offline, under Pulumi's
// mocks, and judges it with the policy pack. Exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 bad input.
import { Command, CommanderError, Option } from "commander";
import { ConfigError } from "../infra/config";
import { PackConfigError } from "../policy-pack/lib/config";
import { blocks } from "../policy-pack/lib/evaluate";
import { evaluatePlan, formatPlanEvaluation } from "../policy-pack/lib/plan";
import { DEFAULT_CHARTS_DIR, findCachedChart } from "./charts/cache";
import { findHelm, HelmError } from "./charts/helm";
import { planWithCharts } from "./charts/pack";
import { RELEASE_TYPE, ReleaseInputError, releaseInputs, renderCharts } from "./charts/render";
import { emit, oneLine, processIo, userPath, type Io } from "./cli/output";
import { packConfigOfFile } from "./pack-config";
import { platformConfigOf } from "./render/platform-config";
import { planEntry, renderStack, type RenderedStack } from "./render/render";
import { listStacks, readStackFile, readStackFileAt, StackFileError } from "./render/stack-file";
import { formatSummary } from "./render/summary";

const EXIT_BAD_INPUT = 2;
const INPUT_ERRORS = [ConfigError, StackFileError, PackConfigError, HelmError, ReleaseInputError];

interface PlanOptions {
    stack?: string;
    stackFile?: string;
    format: "summary" | "json";
    output?: string;
    charts: string;
}

function command(io: Io): Command {
    return new Command("plan")
        .description("Render a stack from stacks/Pulumi.<stack>.yaml without the Pulumi CLI, a cluster or a cloud account")
        .option("-s, --stack <name>", `stack to render from stacks/ (${listStacks().join(", ")})`)
        .option("--stack-file <path>", "render this stack file instead (named Pulumi.<stack>.yaml, or give --stack too)")
        .addOption(new Option("-f, --format <format>", "output format").choices(["summary", "json"]).default("summary"))
        .option("-o, --output <file>", "write the summary or JSON to this file instead of stdout")
        .option(
            "--charts <dir>",
            "chart cache: where every pinned chart is found, the policy step also judges what the charts render",
            DEFAULT_CHARTS_DIR,
        )
        .exitOverride()
        .configureOutput({ writeOut: (s) => void io.out(s), writeErr: (s) => void io.err(s) });
}

/**
 * Runs `plan` with the arguments after `--` (argv without node and the script) and returns its exit code.
 * Every failure is an exit code and a message on io.err: 2 for bad input and for anything unexpected.
 */
export async function runPlan(args: string[], io: Io = processIo()): Promise<number> {
    try {
        const program = command(io).parse(args, { from: "user" });
        return await plan(program.opts<PlanOptions>(), io);
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
        if (INPUT_ERRORS.some((type) => error instanceof type)) await io.err(`${(error as Error).message}\n`);
        else await io.err(`plan failed: ${oneLine(error)}\n`);
        return EXIT_BAD_INPUT;
    }
}

async function plan(options: PlanOptions, io: Io): Promise<number> {
    const { stack, stackFile, format, output, charts } = options;
    if (!stack && !stackFile) {
        await io.err(`plan: give --stack <name> or --stack-file <path> (stacks: ${listStacks().join(", ")})\n`);
        return EXIT_BAD_INPUT;
    }
    const file = stackFile ? readStackFileAt(userPath(stackFile, io.cwd), stack) : readStackFile(stack!);
    // Validated here first, where the stack file says which values are secrets: errors show every other value.
    const platformConfig = platformConfigOf(file);
    // The pack config comes from the stack file being rendered (a candidate's own registries and namespaces).
    const packConfig = packConfigOfFile(file);
    const rendered = await renderStack(file.stack, { stackFile: file });
    const resources = rendered.resources.map(planEntry);
    // The pack config travels with the plan, so that `check` on the saved plan judges it as plan does.
    const planJson = { stack: rendered.stack, resources, outputs: rendered.outputs, packConfig };
    const primary = format === "json" ? `${JSON.stringify(planJson, null, 2)}\n` : `${formatSummary(rendered)}\n`;
    await emit(io, primary, output);
    // The policy step: the same pack that `pulumi preview --policy-pack` runs, with the stack's pack config,
    // over the chart objects too where every chart is in the cache (plan never pulls: it stays offline).
    const withCharts = await chartObjects(rendered, userPath(charts, io.cwd), platformConfig.cluster.kubernetesVersion);
    const policy = await evaluatePlan(withCharts.plan ?? planJson, packConfig);
    await io.err(`\n${withCharts.note}\n`);
    // JSON on stdout stays machine-readable: the policy table goes to stderr then.
    const table = `\nPack config derived from ${file.path}.\n${formatPlanEvaluation(policy)}\n`;
    await (format === "json" && output === undefined ? io.err(table) : io.out(table));
    return blocks(policy.report) ? 1 : 0;
}

/** The plan with each Release's rendered objects as its children, or why the charts could not be rendered. */
async function chartObjects(
    rendered: RenderedStack,
    chartsDir: string,
    kubernetesVersion: string,
): Promise<{ plan?: ReturnType<typeof planWithCharts>; note: string }> {
    const releases = rendered.resources.filter((r) => r.type === RELEASE_TYPE);
    const missing = releases
        .map(releaseInputs)
        .filter((r) => !findCachedChart(chartsDir, r))
        .map((r) => `${r.chart}@${r.version}`)
        .filter((name, i, all) => all.indexOf(name) === i);
    const skipped = (why: string) => ({
        note: `Chart objects not judged (${why}): the pack judged the Releases' values only; \`npm run charts:check -- --stack ${rendered.stack}\` pulls the charts and judges what they render.`,
    });
    if (missing.length > 0) return skipped(`${missing.join(", ")} not in ${chartsDir}`);
    let helm: string;
    try {
        helm = await findHelm();
    } catch (error) {
        if (error instanceof HelmError) return skipped(error.message);
        throw error;
    }
    const charts = await renderCharts(rendered, { helm, chartsDir, pull: false, kubernetesVersion });
    const count = charts.releases.reduce((n, r) => n + r.objects.length, 0);
    return {
        plan: planWithCharts(rendered, charts.releases),
        note: `Chart objects judged: ${count} objects rendered by Helm from ${charts.releases.length} releases (${chartsDir}).`,
    };
}

if (require.main === module) void runPlan(process.argv.slice(2)).then((code) => process.exit(code));
