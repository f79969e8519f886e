// Renders every helm.sh/v3 Release of a rendered stack with a real Helm, exactly as the program passes it
// (chart, version, values, namespace), for the stack's Kubernetes version and with the API versions of
// the CRDs the stack's charts install (charts gate objects such as ServiceMonitors on them).
import { parseAllDocuments } from "yaml";
import type { RenderedResource, RenderedStack } from "../render/render";
import { resolveChart } from "./cache";
import { helmTemplate } from "./helm";
import type { ChartObject, ChartRendering, Manifest, RenderedRelease } from "./types";

export const RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

export interface RenderChartsOptions {
    helm: string;
    chartsDir: string;
    /** Pull charts missing from the cache from the repositories the program names. */
    pull: boolean;
    kubernetesVersion: string;
}

interface ReleaseInputs {
    name?: string;
    chart: string;
    version: string;
    namespace: string;
    repositoryOpts?: { repo?: string };
    values?: Record<string, unknown>;
    /** Skips install and upgrade hooks; the provider's uninstall runs delete hooks all the same (it never sets DisableHooks). */
    disableWebhooks?: boolean;
}

export class ReleaseInputError extends Error {
    override name = "ReleaseInputError";
}

/** The Release's inputs as the provider reads them; a Release the render cannot reproduce is an error, never skipped. */
export function releaseInputs(resource: RenderedResource): ReleaseInputs & { name: string; repo: string } {
    const inputs = resource.inputs as Partial<ReleaseInputs>;
    const missing = (["chart", "version", "namespace"] as const).filter(
        (key) => typeof inputs[key] !== "string" || inputs[key] === "[unknown]",
    );
    const repo = inputs.repositoryOpts?.repo;
    if (missing.length > 0 || typeof repo !== "string") {
        throw new ReleaseInputError(
            `Release ${resource.name}: ${[...missing, ...(typeof repo === "string" ? [] : ["repositoryOpts.repo"])].join(", ")} not set to a known string, so its chart cannot be rendered`,
        );
    }
    return { ...(inputs as ReleaseInputs), name: inputs.name ?? resource.name, repo };
}

const isCrdSource = (source: string) => {
    const parts = source.split("/");
    return parts.length >= 3 && parts[parts.length - 2] === "crds" && parts[parts.length - 3] !== "templates";
};

/** Splits `helm template` output into objects, each with the template it came from. */
export function parseHelmOutput(text: string, release: string): ChartObject[] {
    const objects: ChartObject[] = [];
    let previousEnd = 0;
    for (const document of parseAllDocuments(text)) {
        if (document.errors.length > 0)
            throw new ReleaseInputError(`release ${release}: Helm rendered YAML that does not parse: ${document.errors[0]!.message}`);
        // Helm writes "# Source: <template>" at the top of each document; yaml attaches it to different nodes, so read the text.
        const source = /^# Source: (\S+)/m.exec(text.slice(previousEnd, document.range[1]))?.[1] ?? "";
        previousEnd = document.range[2];
        const value = document.toJS({ maxAliasCount: 100 }) as unknown;
        if (value === null || value === undefined) continue;
        const items = (value as { kind?: string; items?: unknown[] }).kind === "List" ? (value as { items: unknown[] }).items : [value];
        for (const item of items) {
            const manifest = item as Manifest;
            if (
                typeof manifest?.apiVersion !== "string" ||
                typeof manifest.kind !== "string" ||
                typeof manifest.metadata?.name !== "string"
            ) {
                throw new ReleaseInputError(
                    `release ${release}: ${source || "a template"} rendered a document that is not a Kubernetes object (apiVersion, kind and metadata.name are required)`,
                );
            }
            const hooks = (manifest.metadata.annotations?.["helm.sh/hook"] ?? "")
                .split(",")
                .map((h) => h.trim())
                .filter(Boolean);
            objects.push({ manifest, source, hooks, crd: isCrdSource(source) });
        }
    }
    return objects;
}

const TEST_HOOKS = new Set(["test", "test-success", "test-failure"]);
const DELETE_HOOKS = new Set(["pre-delete", "post-delete"]);

/**
 * The objects Helm applies as the release's own: not the crds/ folder (installed first, apart) and not
 * `helm test` pods (Pulumi never runs them; a render with --skip-tests has none, a hand-made one may).
 */
export function appliedObjects(release: RenderedRelease): ChartObject[] {
    return release.objects.filter((o) => !o.crd && !o.hooks.some((hook) => TEST_HOOKS.has(hook)));
}

/** group/version and group/version/Kind of every served version of every CRD rendered. */
export function crdApiVersions(objects: ChartObject[]): string[] {
    const versions = new Set<string>();
    for (const { manifest } of objects) {
        if (manifest.kind !== "CustomResourceDefinition") continue;
        const spec = manifest.spec as
            { group?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean }[] } | undefined;
        for (const version of spec?.versions ?? []) {
            if (version.served === false || !spec?.group) continue;
            versions.add(`${spec.group}/${version.name}`);
            if (spec.names?.kind) versions.add(`${spec.group}/${version.name}/${spec.names.kind}`);
        }
    }
    return [...versions].sort();
}

/** Runs at most `limit` tasks at a time, keeping the results in order. */
async function inTurn<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await task(items[index]!);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

/**
 * Every Release of the stack rendered. Two passes: the first finds the CRDs the charts install, the
 * second renders with their API versions, as Helm sees them at an upgrade once the CRDs exist.
 */
export async function renderCharts(program: RenderedStack, options: RenderChartsOptions): Promise<ChartRendering> {
    const releases = program.resources.filter((r) => r.type === RELEASE_TYPE);
    const prepared = await inTurn(releases, 2, async (resource) => {
        const inputs = releaseInputs(resource);
        const chart = await resolveChart(
            options.helm,
            options.chartsDir,
            { chart: inputs.chart, version: inputs.version, repo: inputs.repo },
            options.pull,
        );
        return { resource, inputs, chart };
    });
    const renderAll = (apiVersions: string[]) =>
        inTurn(prepared, 2, async ({ resource, inputs, chart }): Promise<RenderedRelease> => {
            const text = await helmTemplate(options.helm, {
                release: inputs.name,
                namespace: inputs.namespace,
                chart,
                values: inputs.values ?? {},
                kubeVersion: options.kubernetesVersion,
                apiVersions,
            });
            return {
                urn: resource.urn,
                name: inputs.name,
                namespace: inputs.namespace,
                chart: inputs.chart,
                version: inputs.version,
                repo: inputs.repo,
                objects: parseHelmOutput(text, inputs.name).filter(
                    (o) => !inputs.disableWebhooks || o.hooks.length === 0 || o.hooks.some((h) => DELETE_HOOKS.has(h)),
                ),
            };
        });
    const first = await renderAll([]);
    const apiVersions = crdApiVersions(first.flatMap((release) => release.objects));
    const rendered = apiVersions.length > 0 ? await renderAll(apiVersions) : first;
    placeInNamespaces(rendered);
    return { stack: program.stack, kubernetesVersion: options.kubernetesVersion, program, releases: rendered };
}

/** Built-in kinds that have no namespace; custom kinds say so in their CRD's spec.scope. */
const BUILTIN_CLUSTER_SCOPED = new Set([
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "VolumeAttachment",
    "CSIDriver",
    "CSINode",
    "PriorityClass",
    "RuntimeClass",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "APIService",
    "IngressClass",
    "CertificateSigningRequest",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "FlowSchema",
    "PriorityLevelConfiguration",
]);

/** Kinds without a namespace: the built-in ones and those of every cluster-scoped CRD rendered. */
export function clusterScopedKinds(objects: ChartObject[]): Set<string> {
    const kinds = new Set(BUILTIN_CLUSTER_SCOPED);
    for (const { manifest } of objects) {
        const spec = manifest.spec as { scope?: string; names?: { kind?: string } } | undefined;
        if (manifest.kind === "CustomResourceDefinition" && spec?.scope === "Cluster" && spec.names?.kind) kinds.add(spec.names.kind);
    }
    return kinds;
}

/** Helm creates a namespaced object without a namespace in the release's namespace: the object says so from here on. */
function placeInNamespaces(releases: RenderedRelease[]): void {
    const clusterScoped = clusterScopedKinds(releases.flatMap((release) => release.objects));
    for (const release of releases) {
        for (const { manifest } of release.objects) {
            if (clusterScoped.has(manifest.kind)) continue;
            manifest.metadata.namespace ??= release.namespace;
        }
    }
}
