// Validates Kubernetes objects against their published OpenAPI schemas (kubernetes-models and its
// Istio and Prometheus Operator companions), chosen by apiVersion and kind.

interface Model {
    validate(): void;
}
type ModelClass = (new (data: Record<string, unknown>) => Model) & { apiVersion: string };

/**
 * The platform writes Istio's v1 APIs, but the Istio models that run on the project's Node.js
 * (@kubernetes-models/istio 2.x; 3.x needs Node.js 22) have some kinds only at older versions. Istio's CRDs
 * (manifests/charts/base/files/crd-all.gen.yaml, compared at 1.29.2) serve one openAPIV3Schema for every
 * served version of a kind: v1 is the same schema as v1beta1 and v1alpha3 (networking), v1beta1 (security) and v1alpha1
 * (telemetry). So a v1 object is checked against the first of these versions the package has, its
 * apiVersion set to that version for the check only.
 */
const SAME_SCHEMA_VERSIONS: Record<string, string[]> = {
    "networking.istio.io/v1": ["v1beta1", "v1alpha3"],
    "security.istio.io/v1": ["v1beta1"],
    "telemetry.istio.io/v1": ["v1alpha1"],
};

function packageOf(group: string): string | undefined {
    if (group.endsWith(".istio.io")) return "@kubernetes-models/istio";
    if (group === "monitoring.coreos.com") return "@kubernetes-models/prometheus-operator";
    if (group === "" || group.endsWith(".k8s.io") || !group.includes(".")) return "kubernetes-models";
    return undefined;
}

/** A module the package does not have (as opposed to one that fails to load). */
function isMissing(error: unknown): boolean {
    const code = (error as { code?: string }).code;
    return code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND" || code === "ERR_PACKAGE_PATH_NOT_EXPORTED";
}

/** Loads the schema model for apiVersion/kind; undefined when no published schema package covers it. */
export async function schemaModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
    const [group, version] = apiVersion.includes("/") ? (apiVersion.split("/") as [string, string]) : ["", apiVersion];
    const pkg = packageOf(group);
    if (!pkg) return undefined;
    const tried: string[] = [];
    for (const candidate of [version, ...(SAME_SCHEMA_VERSIONS[apiVersion] ?? [])]) {
        const path = group ? `${pkg}/${group}/${candidate}/${kind}` : `${pkg}/${candidate}/${kind}`;
        tried.push(path);
        try {
            const module = (await import(path)) as Record<string, ModelClass | undefined>;
            if (module[kind]) return module[kind];
        } catch (error) {
            if (!isMissing(error))
                throw new Error(`schema for ${apiVersion} ${kind} (${path}) failed to load: ${(error as Error).message}`, { cause: error });
        }
    }
    throw new Error(`no schema for ${apiVersion} ${kind} (tried ${tried.join(", ")})`);
}

/** Throws with the schema's message when the manifest does not validate. */
export async function validateManifest(manifest: Record<string, unknown>): Promise<"validated" | "no-schema"> {
    const Model = await schemaModel(String(manifest.apiVersion), String(manifest.kind));
    if (!Model) return "no-schema";
    new Model({ ...manifest, apiVersion: Model.apiVersion }).validate();
    return "validated";
}
