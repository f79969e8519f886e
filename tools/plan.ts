// `npm run plan -- --stack <name> [--format summary|json]`: renders a stack offline, under Pulumi's mocks.
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { ConfigError } from "../infra/config";
import { PackConfigError } from "../policy-pack/lib/config";
import { evaluatePlan, formatPlanEvaluation, readStackPolicyConfig } from "../policy-pack/lib/plan";
import { DEFAULT_CHARTS_DIR, findCachedChart } from "./charts/cache";
import { findHelm, HelmError } from "./charts/helm";
import { planWithCharts } from "./charts/pack";
import { RELEASE_TYPE, ReleaseInputError, releaseInputs, renderCharts } from "./charts/render";
import { platformConfigOf } from "./render/platform-config";
import { renderStack, type RenderedStack } from "./render/render";
import { listStacks, readStackFile, readStackFileAt, StackFileError } from "./render/stack-file";
import { formatSummary } from "./render/summary";

const EXIT_BAD_INPUT = 2;

/** Writes to stdout (or stderr) and waits until it is flushed: a pipe drops what is pending at process.exit. */
function print(text: string, stream: NodeJS.WriteStream = process.stdout): Promise<void> {
    return new Promise((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())));
}

async function main(argv: string[]): Promise<number> {
    const program = new Command("plan")
        .description("Render a stack from stacks/Pulumi.<stack>.yaml without the Pulumi CLI, a cluster or a cloud account")
        .option("-s, --stack <name>", `stack to render from stacks/ (${listStacks().join(", ")})`)
        .option("--stack-file <path>", "render this stack file instead (its name Pulumi.<stack>.yaml gives the stack)")
        .addOption(new Option("-f, --format <format>", "output format").choices(["summary", "json"]).default("summary"))
        .option(
            "--charts <dir>",
            "chart cache: where every pinned chart is found, the policy step also judges what the charts render",
            DEFAULT_CHARTS_DIR,
        )
        .exitOverride()
        .parse(argv);
    const { stack, stackFile, format, charts } = program.opts<{
        stack?: string;
        stackFile?: string;
        format: "summary" | "json";
        charts: string;
    }>();
    if (!stack && !stackFile) {
        process.stderr.write("plan: give --stack <name> or --stack-file <path>\n");
        return EXIT_BAD_INPUT;
    }
    const file = stackFile ? readStackFileAt(stackFile, stack) : readStackFile(stack!);
    const rendered = await renderStack(file.stack, { stackFile: file });
    const resources = rendered.resources.map(({ type, name, urn, parent, inputs, protect, dependsOn }) => ({
        type,
        name,
        urn,
        parent,
        inputs,
        protect,
        dependsOn,
    }));
    const planJson = { stack: rendered.stack, resources, outputs: rendered.outputs };
    if (format === "json") {
        await print(`${JSON.stringify(planJson, null, 2)}\n`);
    } else {
        await print(`${formatSummary(rendered)}\n`);
    }
    // The policy step: the same pack that `pulumi preview --policy-pack` runs, with the stack's pack config,
    // over the chart objects too where every chart is in the cache (plan never pulls: it stays offline).
    const chartsDir = resolve(process.env.INIT_CWD ?? process.cwd(), charts);
    const withCharts = await chartObjects(rendered, chartsDir, platformConfigOf(file).cluster.kubernetesVersion);
    const policy = await evaluatePlan(withCharts.plan ?? planJson, readStackPolicyConfig(file.stack));
    await print(`\n${withCharts.note}\n`, process.stderr);
    // JSON output stays machine-readable on stdout; the policy table goes to stderr then.
    await print(`\n${formatPlanEvaluation(policy)}\n`, format === "json" ? process.stderr : process.stdout);
    return policy.hasMandatory ? 1 : 0;
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

main(process.argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
        const code = (error as { code?: string }).code;
        if (code === "commander.helpDisplayed" || code === "commander.version") process.exit(0);
        if (code?.startsWith("commander.")) process.exit(EXIT_BAD_INPUT);
        if ([ConfigError, StackFileError, PackConfigError, HelmError, ReleaseInputError].some((type) => error instanceof type)) {
            process.stderr.write(`${(error as Error).message}\n`);
            process.exit(EXIT_BAD_INPUT);
        }
        process.stderr.write(`plan failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
    },
);
