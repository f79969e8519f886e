// Validates Kubernetes objects against their published OpenAPI schemas (kubernetes-models and its
// Istio and Prometheus Operator companions), chosen by apiVersion and kind.

interface Model {
    validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Model;

function modulePath(apiVersion: string, kind: string): string | undefined {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const path = group ? `${group}/${version}/${kind}` : `${version}/${kind}`;
    if (group!.endsWith(".istio.io")) return `@kubernetes-models/istio/${path}`;
    if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${path}`;
    if (group === "" || group!.endsWith(".k8s.io") || !group!.includes(".")) return `kubernetes-models/${path}`;
    return undefined;
}

/** Loads the schema model for apiVersion/kind; undefined when no published schema package covers it. */
export async function schemaModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
    const path = modulePath(apiVersion, kind);
    if (!path) return undefined;
    try {
        const module = (await import(path)) as Record<string, ModelClass>;
        return module[kind];
    } catch (error) {
        throw new Error(`no schema for ${apiVersion} ${kind} (${path}): ${(error as Error).message}`, { cause: error });
    }
}

/** Throws with the schema's message when the manifest does not validate. */
export async function validateManifest(manifest: Record<string, unknown>): Promise<"validated" | "no-schema"> {
    const Model = await schemaModel(String(manifest.apiVersion), String(manifest.kind));
    if (!Model) return "no-schema";
    new Model(manifest).validate();
    return "validated";
}
