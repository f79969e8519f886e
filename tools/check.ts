// npm run check -- <file-or-folder>... [--config <file>] [--format table|json|sarif]
// Judges Kubernetes manifests (and rendered plans) with the policy pack, without Pulumi.
// Exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 bad input.
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { parse as parseYaml } from "yaml";
import { PackConfigError, parsePackConfig } from "../policy-pack/lib/config";
import { evaluate } from "../policy-pack/lib/evaluate";
import { allPolicies } from "../policy-pack/policies";
import { InputError, loadInputs } from "./check/manifests";
import { buildOutput, formatCheckTable } from "./check/report";
import { toSarif } from "./check/sarif";

const FORMATS = ["table", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

function readPackConfig(file: string | undefined): unknown {
    if (!file) return {};
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

export async function runCheck(paths: string[], options: { config?: string; format: Format }): Promise<{ code: number; out: string }> {
    const packConfig = parsePackConfig(readPackConfig(options.config), allPolicies, options.config ?? "pack config");
    const input = loadInputs(paths);
    const reports = [];
    if (input.resources.length)
        reports.push({ report: await evaluate(input.resources, packConfig, { policies: allPolicies, stackPolicies: false }) });
    for (const plan of input.planStacks) {
        reports.push({
            report: await evaluate(plan.resources, packConfig, { policies: allPolicies, stackPolicies: true }),
            stack: { file: plan.file, stack: plan.stack },
        });
    }
    const output = buildOutput(input, reports);
    const version = (JSON.parse(readFileSync(`${__dirname}/../policy-pack/package.json`, "utf8")) as { version: string }).version;
    const out =
        options.format === "json"
            ? JSON.stringify(output, null, 2)
            : options.format === "sarif"
              ? JSON.stringify(toSarif(output.results, allPolicies, version), null, 2)
              : formatCheckTable(output);
    return { code: output.summary.mandatory > 0 ? 1 : 0, out };
}

async function main(): Promise<void> {
    const program = new Command()
        .name("check")
        .description("Judge Kubernetes manifests or a rendered plan (plan --format json) with the policy pack.")
        .argument("<paths...>", "files or folders (YAML, JSON, multi-document, List kinds, helm template output)")
        .option("--config <file>", "pack config (the file given to --policy-pack-config)")
        .option(
            "--format <format>",
            "table, json or sarif",
            (v: string) => {
                if (!(FORMATS as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${FORMATS.join(", ")}`);
                return v as Format;
            },
            "table",
        )
        .exitOverride()
        .configureOutput({ writeErr: (s) => process.stderr.write(s) });
    try {
        program.parse(process.argv);
    } catch (e) {
        const code = (e as { exitCode?: number }).exitCode;
        process.exit(code === 0 ? 0 : 2);
    }
    const opts = program.opts<{ config?: string; format: Format }>();
    try {
        const { code, out } = await runCheck(program.args, opts);
        process.stdout.write(out + "\n");
        process.exitCode = code;
    } catch (e) {
        if (e instanceof InputError || e instanceof PackConfigError) {
            process.stderr.write(`check: ${e.message}\n`);
            process.exitCode = 2;
            return;
        }
        throw e;
    }
}

if (require.main === module) void main();
