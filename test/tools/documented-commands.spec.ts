// Every `npm run plan` and `npm run check` the README and the guides show, run as written (in process,
// from a user's directory): a documented command that fails, or whose file would hold npm's banner, fails here.
import { strict as assert } from "node:assert";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse, stringify } from "yaml";
import { runCheckCli } from "../../tools/check";
import type { Io } from "../../tools/cli/output";
import { runPlan } from "../../tools/plan";
import { REPO_ROOT } from "../../tools/render/stack-file";

const DOCUMENTS = ["README.md", "CONTRIBUTING.md", ...readdirSync(join(REPO_ROOT, "docs")).map((f) => `docs/${f}`)].filter((f) =>
    f.endsWith(".md"),
);

interface Documented {
    where: string;
    line: string;
    script: "plan" | "check";
    silent: boolean;
    args: string[];
    redirect?: string;
}

/** Words of a shell command line: quotes kept together, a comment dropped. */
function words(line: string): string[] {
    const out: string[] = [];
    for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(#.*$)|(\S+)/g)) {
        if (match[3] !== undefined) break;
        out.push(match[1] ?? match[2] ?? match[4]!);
    }
    return out;
}

/** The plan and check commands in the documents' shell blocks, in order, with where they are. */
function documentedCommands(): Documented[] {
    const found: Documented[] = [];
    for (const document of DOCUMENTS) {
        let inShell = false;
        readFileSync(join(REPO_ROOT, document), "utf8")
            .split("\n")
            .forEach((text, i) => {
                if (/^```/.test(text)) inShell = !inShell && /^```(sh|bash|shell)\s*$/.test(text);
                if (!inShell) return;
                const all = words(text);
                const segments: string[][] = [[]];
                for (const word of all) {
                    if (["&&", "||", ";"].includes(word)) segments.push([]);
                    else segments.at(-1)!.push(word);
                }
                for (const w of segments) {
                    const run = w.indexOf("run");
                    if (w[0] !== "npm" || run < 0) continue;
                    // npm's own flags come before the script's name: `npm run -s plan`, `npm --silent run plan`.
                    const at = w.findIndex((x, j) => j > run && !x.startsWith("-"));
                    const script = w[at];
                    if (script !== "plan" && script !== "check") continue;
                    const rest = w.slice(w.indexOf("--") + 1);
                    const redirect = rest.indexOf(">");
                    found.push({
                        where: `${document}:${i + 1}`,
                        line: w.join(" "),
                        script,
                        silent: w.slice(0, at).some((f) => f === "-s" || f === "--silent"),
                        args: w.includes("--") ? (redirect >= 0 ? rest.slice(0, redirect) : rest) : [],
                        ...(redirect >= 0 ? { redirect: rest[redirect + 1] } : {}),
                    });
                }
            });
    }
    return found;
}

/** What a user has in their directory before running the command: the inputs the documents name. */
function provideInputs(command: Documented, dir: string): void {
    const valueOf = (flag: string) => command.args[command.args.indexOf(flag) + 1];
    if (command.args.includes("--stack-file")) {
        const path = join(dir, valueOf("--stack-file")!);
        const stack = /Pulumi\.(.+)\.yaml$/.exec(path)![1]!;
        mkdirSync(dirname(path), { recursive: true });
        copyFileSync(join(REPO_ROOT, "stacks", `Pulumi.${stack}.yaml`), path);
    }
    if (command.script !== "check") return;
    for (const arg of command.args.filter((a, i) => !a.startsWith("-") && !command.args[i - 1]?.startsWith("--"))) {
        if (existsSync(join(dir, arg))) continue; // written by a command before it, as the document says
        assert.ok(arg.endsWith("/"), `${command.where}: ${arg} is neither a folder of manifests nor written by a command before`);
        mkdirSync(join(dir, arg), { recursive: true });
        copyFileSync(join(REPO_ROOT, "test", "tools", "fixtures", "check", "good", "web.yaml"), join(dir, arg, "web.yaml"));
    }
}

describe("the documented plan and check commands, run as written", function () {
    this.timeout(300_000);
    const commands = documentedCommands();

    it("the documents show the commands users copy: plan, a saved plan's check, manifests to SARIF", () => {
        const lines = commands.map((c) => c.line);
        assert.ok(
            lines.some((l) => /plan -- --stack prod --format json --output prod\.json/.test(l)),
            lines.join("\n"),
        );
        assert.ok(
            lines.some((l) => /check -- prod\.json/.test(l)),
            lines.join("\n"),
        );
        assert.ok(
            lines.some((l) => /check -- k8s\/ --format sarif/.test(l)),
            lines.join("\n"),
        );
    });

    it("no documented command sends npm's banner into a file", () => {
        const banner = commands.filter((c) => c.redirect && c.redirect !== "/dev/null" && !c.silent);
        assert.deepEqual(
            banner.map((c) => `${c.where}: ${c.line}`),
            [],
            "use --output FILE or `npm run --silent`: npm prints `> secure-platform@0.1.0 plan` on stdout",
        );
    });

    // One user directory per document, so that a command can read what the one before it wrote.
    const byDocument = new Map<string, Documented[]>();
    for (const command of commands) {
        const document = command.where.split(":")[0]!;
        byDocument.set(document, [...(byDocument.get(document) ?? []), command]);
    }
    const results = new Map<string, number>();
    for (const [document, list] of byDocument) {
        describe(document, () => {
            const dir = mkdtempSync(join(tmpdir(), "documented-"));
            for (const command of list) {
                it(`${command.where}: ${command.line}`, async () => {
                    provideInputs(command, dir);
                    let stdout = "";
                    let stderr = "";
                    const io: Io = { cwd: dir, out: async (t) => void (stdout += t), err: async (t) => void (stderr += t) };
                    // The same command in the same directory gives the same result: rendered once.
                    const key = `${command.script} ${command.args.join(" ")}`;
                    const seen = command.redirect === undefined && !command.args.includes("--output") ? results.get(key) : undefined;
                    const code = seen ?? (await (command.script === "plan" ? runPlan : runCheckCli)(command.args, io));
                    results.set(key, code);
                    assert.equal(code, 0, `${command.where} exited ${code}:\n${stderr}${stdout.slice(-2000)}`);
                    if (command.redirect && command.redirect !== "/dev/null") writeFileSync(join(dir, command.redirect), stdout);
                    const written = command.args.includes("--output")
                        ? command.args[command.args.indexOf("--output") + 1]!
                        : command.redirect;
                    if (written && written !== "/dev/null" && /json|sarif/.test(command.args.join(" "))) {
                        const parsed = JSON.parse(readFileSync(join(dir, written), "utf8"));
                        assert.ok(parsed.stack ?? parsed.runs, `${written} is a plan or a SARIF log`);
                    }
                });
            }
        });
    }

    it("the README's configuration error is what plan prints", async () => {
        const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
        const example = /```\n(Invalid configuration for stack "prod":\n[^`]*)```/.exec(readme)![1]!.trim();
        const document = parse(readFileSync(join(REPO_ROOT, "stacks", "Pulumi.prod.yaml"), "utf8"));
        document.config["secure-platform:cluster"].endpoint.publicAccessCidrs = ["0.0.0.0/0"];
        const path = join(mkdtempSync(join(tmpdir(), "documented-")), "Pulumi.prod.yaml");
        writeFileSync(path, stringify(document));
        let stderr = "";
        const code = await runPlan(["--stack-file", path], { cwd: REPO_ROOT, out: async () => {}, err: async (t) => void (stderr += t) });
        assert.equal(code, 2);
        assert.equal(stderr.trim(), example);
    });
});
