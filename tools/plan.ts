// `npm run plan -- --stack <name> [--format summary|json]`: renders a stack offline, under Pulumi's mocks.
import { Command, Option } from "commander";
import { ConfigError } from "../infra/config";
import { PackConfigError } from "../policy-pack/lib/config";
import { evaluatePlan, formatPlanEvaluation, readStackPolicyConfig } from "../policy-pack/lib/plan";
import { renderStack } from "./render/render";
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
    .exitOverride()
    .parse(argv);
  const { stack, stackFile, format } = program.opts<{ stack?: string; stackFile?: string; format: "summary" | "json" }>();
  if (!stack && !stackFile) {
    process.stderr.write("plan: give --stack <name> or --stack-file <path>\n");
    return EXIT_BAD_INPUT;
  }
  const file = stackFile ? readStackFileAt(stackFile, stack) : readStackFile(stack!);
  const rendered = await renderStack(file.stack, { stackFile: file });
  const resources = rendered.resources.map(({ type, name, urn, parent, inputs, protect, dependsOn }) => ({ type, name, urn, parent, inputs, protect, dependsOn }));
  const planJson = { stack: rendered.stack, resources, outputs: rendered.outputs };
  if (format === "json") {
    await print(`${JSON.stringify(planJson, null, 2)}\n`);
  } else {
    await print(`${formatSummary(rendered)}\n`);
  }
  // The policy step: the same pack that `pulumi preview --policy-pack` runs, with the stack's pack config.
  const policy = await evaluatePlan(planJson, readStackPolicyConfig(file.stack));
  // JSON output stays machine-readable on stdout; the policy table goes to stderr then.
  await print(`\n${formatPlanEvaluation(policy)}\n`, format === "json" ? process.stderr : process.stdout);
  return policy.hasMandatory ? 1 : 0;
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = (error as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version") process.exit(0);
    if (code?.startsWith("commander.")) process.exit(EXIT_BAD_INPUT);
    if (error instanceof ConfigError || error instanceof StackFileError || error instanceof PackConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_BAD_INPUT);
    }
    process.stderr.write(`plan failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
