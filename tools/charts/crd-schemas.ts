// The schemas check: every custom resource the program creates, judged against the CRD that a chart
// of the stack installs, as the API server judges a create: the kind and version must be served, the
// object is pruned, defaulted, then validated against the version's openAPIV3Schema and its CEL rules.
// The bundled models (kubernetes-models) know a release of each project; the charts know the release
// that is pinned.
import { celEnv, isCelError, parse, plan, type CelResult } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { parseKubernetesType } from "../../policy-pack/lib/kubernetes";
import { toCel } from "./admission-emulator";
import type { ChartRendering, CheckResult, Finding } from "./types";

/** API groups the Kubernetes API server serves itself; every other group needs a CRD (or an APIService). */
export const BUILTIN_GROUPS = new Set([
    "core",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "extensions",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
]);
// Pulumi's own resource types under the kubernetes provider; they never reach the API server as such.
const PROVIDER_GROUPS = new Set(["helm.sh", "yaml", "kustomize"]);

/** Values the renderer shows instead of what only apply knows: nothing can be judged about them. */
const PLACEHOLDERS = new Set(["[unknown]", "[secret]"]);

type Schema = Record<string, unknown>;

interface CrdVersion {
    served: boolean;
    schema?: Schema;
}

interface InstalledCrd {
    name: string;
    release: string;
    versions: Map<string, CrdVersion>;
}

/** Every CRD the rendering installs (from a chart's crds/ folder or rendered as a template), by group and kind. */
export function installedCrds(rendering: ChartRendering): Map<string, InstalledCrd> {
    const crds = new Map<string, InstalledCrd>();
    for (const release of rendering.releases) {
        for (const { manifest } of release.objects) {
            // apiextensions.k8s.io/v1beta1 is no longer served (Kubernetes 1.22): such a CRD installs nothing.
            if (manifest.kind !== "CustomResourceDefinition" || manifest.apiVersion !== "apiextensions.k8s.io/v1") continue;
            const spec = manifest.spec as {
                group?: string;
                names?: { kind?: string };
                versions?: { name: string; served?: boolean; schema?: { openAPIV3Schema?: Schema } }[];
            };
            if (!spec?.group || !spec.names?.kind) continue;
            const key = `${spec.group}/${spec.names.kind}`;
            if (crds.has(key)) continue;
            const versions = new Map(
                (spec.versions ?? []).map((v) => [
                    v.name,
                    { served: v.served === true, ...(v.schema?.openAPIV3Schema ? { schema: v.schema.openAPIV3Schema } : {}) },
                ]),
            );
            crds.set(key, { name: manifest.metadata.name, release: release.name, versions });
        }
    }
    return crds;
}

function isPlaceholder(value: unknown): boolean {
    return typeof value === "string" && PLACEHOLDERS.has(value);
}

function containsPlaceholder(value: unknown): boolean {
    if (isPlaceholder(value)) return true;
    if (Array.isArray(value)) return value.some(containsPlaceholder);
    if (value && typeof value === "object") return Object.values(value).some(containsPlaceholder);
    return false;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function dotted(path: (string | number)[]): string {
    return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("") || "(root)";
}

/**
 * Fields the API server prunes: not in the schema's properties, where no additionalProperties and no
 * `x-kubernetes-preserve-unknown-fields` keep them. Pruning is silent to Pulumi (a warning at most), so
 * the object in the cluster lacks what the program declared: a misspelt field of an AuthorizationPolicy
 * or PeerAuthentication changes what it enforces. That is why a pruned field is a finding here, although
 * the apply succeeds.
 */
export function prunedFields(schema: Schema, value: unknown, path: (string | number)[] = []): string[] {
    if (isPlaceholder(value)) return [];
    if (Array.isArray(value)) {
        const items = schema.items as Schema | undefined;
        return items ? value.flatMap((item, i) => prunedFields(items, item, [...path, i])) : [];
    }
    if (!isObject(value)) return [];
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const additional = schema.additionalProperties;
    const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
    // apiVersion, kind and metadata are the API server's own at the root and in embedded resources.
    const implicit = path.length === 0 || schema["x-kubernetes-embedded-resource"] === true ? ["apiVersion", "kind", "metadata"] : [];
    return Object.entries(value).flatMap(([key, child]) => {
        if (implicit.includes(key) && !(key in properties)) return [];
        if (path.length === 0 && key === "metadata") return [];
        if (key in properties) return prunedFields(properties[key]!, child, [...path, key]);
        if (isObject(additional)) return prunedFields(additional, child, [...path, key]);
        if (additional === true || preserve) return [];
        return [dotted([...path, key])];
    });
}

function sameKeys(a: unknown, b: unknown, keys: string[]): boolean {
    return isObject(a) && isObject(b) && keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

function newAjv(): Ajv {
    // strict: false because CRD schemas carry OpenAPI keywords (example, externalDocs, ...) that validate
    // nothing. Formats are not checked: the API server checks a few of them and ignores the rest, and
    // the charts' CRDs constrain values with patterns and CEL instead. `nullable` is OpenAPI's, which
    // Ajv implements. Defaults are applied before validation, as the API server does.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, useDefaults: true, verbose: true });
    ajv.addKeyword({
        keyword: "x-kubernetes-int-or-string",
        errors: false,
        validate: (on: boolean, data: unknown) => !on || typeof data === "string" || Number.isInteger(data),
    });
    ajv.addKeyword({
        keyword: "x-kubernetes-embedded-resource",
        errors: false,
        validate: (on: boolean, data: unknown) =>
            !on || (isObject(data) && typeof data.apiVersion === "string" && typeof data.kind === "string"),
    });
    ajv.addKeyword({
        keyword: "x-kubernetes-list-type",
        errors: false,
        validate: function (this: unknown, type: string, data: unknown, parentSchema?: Schema) {
            if (!Array.isArray(data)) return true;
            if (type === "set") return new Set(data.map((item) => JSON.stringify(item))).size === data.length;
            if (type === "map") {
                const keys = (parentSchema?.["x-kubernetes-list-map-keys"] as string[] | undefined) ?? [];
                return data.every((a, i) => data.findIndex((b) => sameKeys(a, b, keys)) === i);
            }
            return true;
        },
    });
    for (const keyword of [
        "x-kubernetes-preserve-unknown-fields",
        "x-kubernetes-list-map-keys",
        "x-kubernetes-map-type",
        "x-kubernetes-validations",
    ]) {
        ajv.addKeyword({ keyword }); // handled by prunedFields and celViolations, or no constraint on a create
    }
    return ajv;
}

function errorText(error: ErrorObject): string {
    const path = error.instancePath
        .split("/")
        .slice(1)
        .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    const where = dotted(path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)));
    if (error.keyword === "required")
        return `${where}: missing required field "${(error.params as { missingProperty: string }).missingProperty}"`;
    if (error.keyword === "enum")
        return `${where}: ${error.message} (${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")})`;
    if (error.keyword === "x-kubernetes-int-or-string") return `${where}: must be an integer or a string (x-kubernetes-int-or-string)`;
    if (error.keyword === "x-kubernetes-embedded-resource")
        return `${where}: must be an object with apiVersion and kind (x-kubernetes-embedded-resource)`;
    if (error.keyword === "x-kubernetes-list-type")
        return `${where}: items must be unique${error.schema === "map" ? " by their keys" : ""} (x-kubernetes-list-type: ${String(error.schema)})`;
    return `${where}: ${error.message}`;
}

function valueAt(root: unknown, pointer: string): unknown {
    return pointer
        .split("/")
        .slice(1)
        .reduce<unknown>(
            (node, part) => (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")],
            root,
        );
}

// The API server's CEL environment has the strings extension (substring, ...); Kubernetes' own
// libraries (url(), ip(), quantity(), ...) are not in @bufbuild/cel, so rules using them are not judged.
const celEnvironment = celEnv({ funcs: strings });

interface CelRule {
    rule: string;
    message?: string;
}

/**
 * The CRD's `x-kubernetes-validations` at every node of the object. A rule that evaluates to false
 * is a finding (the API server rejects the object with its message). A rule that cannot be evaluated
 * here (a Kubernetes-only function) is reported as not judged rather than guessed; transition rules
 * (oldSelf) do not run on a create.
 */
export function celViolations(schema: Schema, value: unknown, notJudged: string[], path: (string | number)[] = []): string[] {
    if (value === undefined || containsPlaceholder(value)) return [];
    const found: string[] = [];
    for (const { rule, message } of (schema["x-kubernetes-validations"] as CelRule[] | undefined) ?? []) {
        if (/\boldSelf\b/.test(rule)) continue;
        let result: CelResult;
        try {
            result = plan(celEnvironment, parse(rule))({ self: toCel(value) });
        } catch (error) {
            notJudged.push(`${dotted(path)}: ${rule} (${(error as Error).message})`);
            continue;
        }
        if (isCelError(result)) notJudged.push(`${dotted(path)}: ${rule} (${result.message})`);
        else if (result === false) found.push(`${dotted(path)}: ${message ?? `fails the CRD's rule ${rule}`}`);
    }
    if (Array.isArray(value) && isObject(schema.items))
        value.forEach((item, i) => found.push(...celViolations(schema.items as Schema, item, notJudged, [...path, i])));
    if (isObject(value)) {
        const properties = (schema.properties ?? {}) as Record<string, Schema>;
        for (const [key, child] of Object.entries(value)) {
            const sub =
                key in properties
                    ? properties[key]
                    : isObject(schema.additionalProperties)
                      ? (schema.additionalProperties as Schema)
                      : undefined;
            if (sub) found.push(...celViolations(sub, child, notJudged, [...path, key]));
        }
    }
    return found;
}

export interface SchemaCheckResult extends CheckResult {
    /** CEL rules that could not be evaluated here (Kubernetes-only functions), per object: not findings. */
    notJudged: string[];
}

/** Every custom resource of the program against the served version of the CRD a chart installs. */
export function checkCustomResourceSchemas(rendering: ChartRendering): SchemaCheckResult {
    const crds = installedCrds(rendering);
    const ajv = newAjv();
    const compiled = new Map<Schema, ValidateFunction>();
    const findings: Finding[] = [];
    const notJudged: string[] = [];
    let judged = 0;
    for (const resource of rendering.program.resources) {
        const type = resource.custom ? parseKubernetesType(resource.type) : undefined;
        if (!type || BUILTIN_GROUPS.has(type.group) || PROVIDER_GROUPS.has(type.group)) continue;
        judged++;
        const metadata = (resource.inputs.metadata ?? {}) as { name?: string; namespace?: string };
        const name = metadata.name ?? resource.name;
        const subject = `${type.kind} ${metadata.namespace ? `${metadata.namespace}/` : ""}${name}`;
        const finding = (message: string) => findings.push({ check: "schemas", subject, message });
        const crd = crds.get(`${type.group}/${type.kind}`);
        if (!crd) {
            finding(
                `no chart of the stack installs a CRD for ${type.kind} in ${type.group}: the API server has no such kind and the apply fails`,
            );
            continue;
        }
        const version = crd.versions.get(type.version);
        if (!version) {
            finding(
                `CRD ${crd.name} (release ${crd.release}) has no version ${type.version}; it has ${[...crd.versions.keys()].join(", ")}`,
            );
            continue;
        }
        if (!version.served) {
            finding(`CRD ${crd.name} (release ${crd.release}) does not serve ${type.version}: the apply fails`);
            continue;
        }
        if (!version.schema) continue; // apiextensions.k8s.io/v1 requires a schema; the API server refuses the CRD itself without one
        const object = structuredClone(resource.inputs);
        for (const field of prunedFields(version.schema, object))
            finding(
                `${field}: not in the schema of ${crd.name} ${type.version}: the API server prunes it, so the object in the cluster lacks it`,
            );
        let validate = compiled.get(version.schema);
        if (!validate) compiled.set(version.schema, (validate = ajv.compile(version.schema)));
        if (!validate(object)) {
            const errors = (validate.errors ?? []).filter((e) => !containsPlaceholder(valueAt(object, e.instancePath)));
            // anyOf/oneOf report each branch's errors and then their own; the branches' are the useful ones.
            for (const text of new Set(
                errors.filter((e) => (e.keyword !== "anyOf" && e.keyword !== "oneOf") || errors.length === 1).map(errorText),
            ))
                finding(text);
        }
        const skipped: string[] = [];
        for (const text of celViolations(version.schema, object, skipped)) finding(text);
        notJudged.push(...skipped.map((rule) => `${subject}: ${rule}`));
    }
    return { check: "schemas", judged, findings, notJudged };
}
