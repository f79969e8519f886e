// ValidatingAdmissionPolicies (CEL, admissionregistration.k8s.io/v1) and their bindings for the image
// rules of image-rules.ts, as plain manifests. One policy per shape of pod-bearing object, so that each
// expression type-checks against the schema of the kinds it matches.
import type * as k8s from "@pulumi/kubernetes";
import { MANAGED_BY } from "../namespaces/baseline";
import type { AdmissionConfig } from "./config";
import {
    DIGEST_PATTERN,
    EXPLICIT_REGISTRY_PATTERN,
    GATEWAY_TEMPLATE_PATTERN,
    INJECT_LABEL,
    INJECT_TEMPLATES_ANNOTATION,
    INJECTED_PROXY_CONTAINER,
    INJECTOR_IMAGE_PLACEHOLDER,
    LATEST_PATTERN,
    REFERENCE_PATTERN,
    registryPatterns,
    TAGGED_PATTERN,
} from "./image-rules";

type Manifest<T> = T & { apiVersion: string; kind: string };
export type AdmissionPolicy = Manifest<k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicy> & { metadata: { name: string } };
export type AdmissionPolicyBinding = Manifest<k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicyBinding> & {
    metadata: { name: string };
};
type Variable = { name: string; expression: string };
type Validation = { expression: string; messageExpression: string; message: string; reason: string };

/** Application namespaces carry this label when the stack requires digests; the digest bindings select it. */
export const DIGEST_REQUIRED_LABEL = { key: "secure-platform/image-digest", value: "required" } as const;

/** Where the pod spec sits in each shape of object, and which resources have that shape. */
export const POD_SPEC_SHAPES = [
    {
        shape: "pods",
        podMetadata: "object.metadata",
        podSpec: "object.spec",
        rules: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["pods", "pods/ephemeralcontainers"] }],
    },
    {
        shape: "workloads",
        podMetadata: "object.spec.template.metadata",
        podSpec: "object.spec.template.spec",
        rules: [
            { apiGroups: ["apps"], apiVersions: ["v1"], resources: ["deployments", "statefulsets", "daemonsets", "replicasets"] },
            { apiGroups: [""], apiVersions: ["v1"], resources: ["replicationcontrollers"] },
            { apiGroups: ["batch"], apiVersions: ["v1"], resources: ["jobs"] },
        ],
    },
    {
        shape: "cronjobs",
        podMetadata: "object.spec.jobTemplate.spec.template.metadata",
        podSpec: "object.spec.jobTemplate.spec.template.spec",
        rules: [{ apiGroups: ["batch"], apiVersions: ["v1"], resources: ["cronjobs"] }],
    },
    {
        shape: "podtemplates",
        podMetadata: "object.template.metadata",
        podSpec: "object.template.spec",
        rules: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["podtemplates"] }],
    },
] as const;

export type PodSpecShape = (typeof POD_SPEC_SHAPES)[number]["shape"];

/** A CEL string literal; backslashes and quotes escaped so patterns reach RE2 unchanged. */
export function celString(value: string): string {
    return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function celList(values: readonly string[]): string {
    return `[${values.map(celString).join(", ")}]`;
}

/** A string entry of a map that may be absent, compared without erroring on missing keys. */
function entryIs(map: string, key: string, test: (value: string) => string): string {
    return `has(${map}) && ${celString(key)} in ${map} && ${test(`${map}[${celString(key)}]`)}`;
}

/**
 * Every container, init container and ephemeral container of the pod spec, each as {container, image}.
 * An UPDATE is judged on the images it brings in: images the old object already ran are not judged
 * again, so metadata changes and finalizer removal on workloads admitted under an earlier list go through.
 * `image: auto` of istio-proxy in a template the gateway injection template fills is not an image yet:
 * the injector replaces it before the pod reaches validation, and the pod is judged with the real one.
 */
function containerVariables(podMetadata: string, podSpec: string): Variable[] {
    const list = (spec: string, field: string) => `(has(${spec}.${field}) ? ${spec}.${field} : [])`;
    const all = (spec: string) => `${list(spec, "containers")} + ${list(spec, "initContainers")} + ${list(spec, "ephemeralContainers")}`;
    const oldPodSpec = podSpec.replace(/^object\./, "oldObject.");
    const parent = podMetadata.replace(/\.metadata$/, "");
    const gatewayTemplate = [
        `has(${parent}.metadata)`,
        entryIs(`${podMetadata}.labels`, INJECT_LABEL, (v) => `${v} == 'true'`),
        entryIs(`${podMetadata}.annotations`, INJECT_TEMPLATES_ANNOTATION, (v) => `${v}.matches(${celString(GATEWAY_TEMPLATE_PATTERN)})`),
    ].join(" && ");
    return [
        { name: "containers", expression: all(podSpec) },
        {
            name: "injectorFilled",
            expression: `(${gatewayTemplate}) && ${list(podSpec, "containers")}.exists(c, c.name == ${celString(INJECTED_PROXY_CONTAINER)} && has(c.image) && c.image == ${celString(INJECTOR_IMAGE_PLACEHOLDER)})`,
        },
        {
            name: "previousImages",
            expression: `request.operation == 'UPDATE' ? (${all(oldPodSpec)}).filter(c, has(c.image)).map(c, c.image) : []`,
        },
        {
            name: "images",
            // Container names are unique across all lists of a pod, so the name singles out the one filled in.
            expression:
                "variables.containers.map(c, {'container': c.name, 'image': has(c.image) ? c.image : ''})" +
                ".filter(i, !(i.image in variables.previousImages))" +
                `.filter(i, !(variables.injectorFilled && i.container == ${celString(INJECTED_PROXY_CONTAINER)} && i.image == ${celString(INJECTOR_IMAGE_PLACEHOLDER)}))`,
        },
    ];
}

/** The message names the first offending image and its container, and how many more there are. */
function offending(variable: string, text: string): string {
    const first = `variables.${variable}[0]`;
    const more = `(size(variables.${variable}) > 1 ? ' (and ' + string(size(variables.${variable}) - 1) + ' more)' : '')`;
    return `'image ' + ${first}.image + ' of container ' + ${first}.container + ' ' + ${celString(text)} + ${more}`;
}

/** Reference, registry and floating-tag rules. */
export function imageSourceRules(allowedRegistries: readonly string[]): { variables: Variable[]; validations: Validation[] } {
    const allowed = allowedRegistries.join(", ");
    return {
        variables: [
            // Each allowed entry as the patterns of image-rules.ts: one for references naming their registry, one for short names.
            { name: "explicitRegistries", expression: celList(allowedRegistries.map((prefix) => registryPatterns(prefix).explicit)) },
            {
                name: "implicitRegistries",
                expression: celList(allowedRegistries.flatMap((prefix) => registryPatterns(prefix).implicit ?? [])),
            },
            { name: "malformed", expression: `variables.images.filter(i, !i.image.matches(${celString(REFERENCE_PATTERN)}))` },
            {
                name: "unlisted",
                expression: `variables.images.filter(i, !(i.image.matches(${celString(EXPLICIT_REGISTRY_PATTERN)}) ? variables.explicitRegistries.exists(r, i.image.matches(r)) : variables.implicitRegistries.exists(r, i.image.matches(r))))`,
            },
            {
                name: "floating",
                expression: `variables.images.filter(i, i.image.matches(${celString(LATEST_PATTERN)}) || !(i.image.matches(${celString(TAGGED_PATTERN)}) || i.image.matches(${celString(DIGEST_PATTERN)})))`,
            },
        ],
        validations: [
            {
                expression: "size(variables.malformed) == 0",
                messageExpression: offending("malformed", "is not a valid image reference (registry/path[:tag][@sha256:<64 hex>])"),
                message: "an image is not a valid image reference",
                reason: "Invalid",
            },
            {
                expression: "size(variables.unlisted) == 0",
                messageExpression: offending("unlisted", `is not from an allowed registry (allowed: ${allowed})`),
                message: `an image is not from an allowed registry (allowed: ${allowed})`,
                reason: "Forbidden",
            },
            {
                expression: "size(variables.floating) == 0",
                messageExpression: offending("floating", "uses a floating tag; pin a version tag or a digest, never :latest or no tag"),
                message: "an image uses :latest or no tag",
                reason: "Forbidden",
            },
        ],
    };
}

/** The digest rule, bound only where digests are required. */
export function imageDigestRules(): { variables: Variable[]; validations: Validation[] } {
    return {
        variables: [{ name: "undigested", expression: `variables.images.filter(i, !i.image.matches(${celString(DIGEST_PATTERN)}))` }],
        validations: [
            {
                expression: "size(variables.undigested) == 0",
                messageExpression: offending("undigested", "is not pinned by digest; use <image>@sha256:<64 hex>"),
                message: "an image is not pinned by digest",
                reason: "Forbidden",
            },
        ],
    };
}

function policy(
    name: string,
    shape: (typeof POD_SPEC_SHAPES)[number],
    rules: { variables: Variable[]; validations: Validation[] },
): AdmissionPolicy {
    return {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingAdmissionPolicy",
        metadata: { name, labels: MANAGED_BY },
        spec: {
            // An error in evaluation denies: an image that cannot be checked is not admitted.
            failurePolicy: "Fail",
            matchConstraints: {
                resourceRules: shape.rules.map((rule) => ({
                    ...rule,
                    apiGroups: [...rule.apiGroups],
                    apiVersions: [...rule.apiVersions],
                    resources: [...rule.resources],
                    operations: ["CREATE", "UPDATE"],
                })),
            },
            variables: [...containerVariables(shape.podMetadata, shape.podSpec), ...rules.variables],
            validations: rules.validations,
        },
    };
}

function binding(policyName: string, namespaceSelector: k8s.types.input.meta.v1.LabelSelector): AdmissionPolicyBinding {
    return {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingAdmissionPolicyBinding",
        metadata: { name: policyName, labels: MANAGED_BY },
        spec: {
            policyName,
            // Deny, and record the denial in the API server audit log (CloudWatch on EKS).
            validationActions: ["Deny", "Audit"],
            matchResources: { namespaceSelector },
        },
    };
}

/** Every namespace except the exempt ones (new namespaces are checked from the moment they exist). */
export function checkedNamespaces(admission: AdmissionConfig): k8s.types.input.meta.v1.LabelSelector {
    const exempt = admission.exemptNamespaces.map((namespace) => namespace.name);
    return exempt.length === 0 ? {} : { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: exempt }] };
}

export interface ImagePolicySet {
    policies: AdmissionPolicy[];
    bindings: AdmissionPolicyBinding[];
}

/** The image-source policies for every pod-bearing shape, plus the digest policies when the stack requires digests. */
export function imagePolicies(admission: AdmissionConfig): ImagePolicySet {
    const policies: AdmissionPolicy[] = [];
    const bindings: AdmissionPolicyBinding[] = [];
    const everywhere = checkedNamespaces(admission);
    for (const shape of POD_SPEC_SHAPES) {
        const source = policy(`secure-platform-image-source-${shape.shape}`, shape, imageSourceRules(admission.allowedRegistries));
        policies.push(source);
        bindings.push(binding(source.metadata.name, everywhere));
        if (admission.requireDigest) {
            const digest = policy(`secure-platform-image-digest-${shape.shape}`, shape, imageDigestRules());
            policies.push(digest);
            bindings.push(
                binding(digest.metadata.name, {
                    matchLabels: { [DIGEST_REQUIRED_LABEL.key]: DIGEST_REQUIRED_LABEL.value },
                    ...(everywhere.matchExpressions ? { matchExpressions: everywhere.matchExpressions } : {}),
                }),
            );
        }
    }
    return { policies, bindings };
}
