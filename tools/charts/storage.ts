// The storage check: every claim that reaches the cluster (PersistentVolumeClaims, StatefulSet
// volumeClaimTemplates, and the claims the Prometheus Operator makes of a Prometheus or Alertmanager's
// storage.volumeClaimTemplate) must name a StorageClass the stack has. Nothing fails when
// one does not: the claim stays Pending, Helm does not wait on Vault's OnDelete StatefulSet, and the
// operator, not Helm, creates the monitoring claims. EKS 1.30 and later have no default StorageClass.
import { describeObject } from "./pack";
import type { ChartRendering, CheckResult, Finding } from "./types";
import { kubernetesObjects } from "../render/render";
import { appliedObjects } from "./render";
import { type Obj, obj, onEks } from "./objects";

const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const DEFAULT_CLASS_ANNOTATIONS = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"];
/** The operator's kinds whose storage.volumeClaimTemplate becomes a claim of each replica, and its prefix. */
const OPERATOR_KINDS = new Map([
    ["Prometheus", "prometheus"],
    ["Alertmanager", "alertmanager"],
]);
/** Values the renderer shows instead of what only apply knows: nothing can be judged about them. */
const PLACEHOLDERS = new Set(["[unknown]", "[secret]"]);
interface Source {
    manifest: Obj;
    /** "StatefulSet vault/vault (release vault)" or "PersistentVolumeClaim vault/x (program)". */
    subject: string;
}

interface Claim {
    subject: string;
    /** The claim's name as the object writes it (a template's metadata.name), or what the operator makes of it. */
    claim: string;
    /** undefined: the field is absent, so the cluster's default StorageClass applies. */
    storageClassName: unknown;
}

function sources(rendering: ChartRendering): Source[] {
    const program = kubernetesObjects(rendering.program).map(({ resource, manifest }) => {
        const metadata = obj(manifest.metadata);
        const where = metadata.namespace
            ? `${metadata.namespace}/${metadata.name ?? resource.name}`
            : String(metadata.name ?? resource.name);
        return { manifest: manifest as Obj, subject: `${manifest.kind} ${where} (program)` };
    });
    const charts = rendering.releases.flatMap((release) =>
        appliedObjects(release).map((o) => ({ manifest: o.manifest as Obj, subject: describeObject(o, release) })),
    );
    return [...program, ...charts];
}

function claimsOf({ manifest, subject }: Source): Claim[] {
    const spec = obj(manifest.spec);
    const group = String(manifest.apiVersion).split("/").slice(0, -1).join("/") || "core";
    if (manifest.kind === "PersistentVolumeClaim" && group === "core") {
        return [{ subject, claim: String(obj(manifest.metadata).name ?? ""), storageClassName: spec.storageClassName }];
    }
    if (manifest.kind === "StatefulSet" && group === "apps") {
        // The controller names each replica's claim <template>-<statefulset>-<ordinal>.
        return arr(spec.volumeClaimTemplates)
            .map(obj)
            .map((template) => ({
                subject,
                claim: String(obj(template.metadata).name ?? ""),
                storageClassName: obj(template.spec).storageClassName,
            }));
    }
    const prefix = OPERATOR_KINDS.get(String(manifest.kind));
    if (prefix && group === "monitoring.coreos.com") {
        const template = obj(obj(spec.storage).volumeClaimTemplate);
        if (Object.keys(template).length === 0) return []; // emptyDir or ephemeral storage: no claim
        // Without a template name the operator calls the claim <prefix>-<name>-db.
        const name = obj(template.metadata).name ?? `${prefix}-${obj(manifest.metadata).name}-db`;
        return [{ subject, claim: String(name), storageClassName: obj(template.spec).storageClassName }];
    }
    return [];
}

/** The StorageClasses the stack creates, and which of them are annotated as the cluster's default. */
function storageClasses(all: Source[]): { names: Set<string>; defaults: string[] } {
    const classes = all
        .map((s) => s.manifest)
        .filter((m) => m.kind === "StorageClass" && String(m.apiVersion).startsWith("storage.k8s.io/"));
    const names = new Set(classes.map((m) => String(obj(m.metadata).name)));
    const defaults = classes
        .filter((m) => DEFAULT_CLASS_ANNOTATIONS.some((a) => obj(obj(m.metadata).annotations)[a] === "true"))
        .map((m) => String(obj(m.metadata).name));
    return { names, defaults };
}

/**
 * Every claim against the StorageClasses of the stack. On EKS the stack must create the class a claim
 * names, or a default one for a claim that names none. On an existing cluster (kind, k3d, minikube) the
 * cluster's own classes are unknown here: a claim without a class takes the cluster's default.
 */
export function checkStorage(rendering: ChartRendering): CheckResult {
    const all = sources(rendering);
    const eks = onEks(rendering.program);
    const { names, defaults } = storageClasses(all);
    const claims = all.flatMap(claimsOf);
    const findings: Finding[] = [];
    for (const { subject, claim, storageClassName: name } of claims) {
        if (!eks || (typeof name === "string" && PLACEHOLDERS.has(name))) continue;
        const finding = (message: string) => findings.push({ check: "storage", subject, message: `claim "${claim}": ${message}` });
        if (name === undefined || name === null) {
            if (defaults.length === 0)
                finding(
                    "names no storageClassName and the stack creates no default StorageClass (EKS 1.30 and later have none): the claim stays Pending",
                );
        } else if (name === "") {
            finding(
                'storageClassName "" binds only a pre-created PersistentVolume without a class, and the stack creates none: the claim stays Pending',
            );
        } else if (!names.has(String(name))) {
            finding(
                `names StorageClass "${String(name)}", which the stack does not create (it creates: ${[...names].join(", ") || "none"}): the claim stays Pending`,
            );
        }
    }
    return { check: "storage", judged: claims.length, findings };
}
