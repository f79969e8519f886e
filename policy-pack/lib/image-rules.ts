// The image rule, defined once: the admission policies compile these patterns into CEL and the
// CrossGuard pack calls imageVerdict(); both read the same allowed-registry list from stack config.
// It lives in the pack because a published pack carries only its own folder.
// Patterns use only syntax that JavaScript and RE2 (the engine of CEL's matches()) read alike.
import { perKey } from "./memo";

/** A registry host (optional port) and optional path, ending in "/": what an allowed-registry entry is. */
const PREFIX_LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
export const REGISTRY_PREFIX_PATTERN = `^(?:(?:localhost|${PREFIX_LABEL}(?:\\.${PREFIX_LABEL})+)(?::[0-9]{1,5})?|${PREFIX_LABEL}:[0-9]{1,5})/(?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*/)*$`;

const HOST_LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";

/** The image reference grammar (host[:port]/path[:tag][@sha256:digest]); only sha256 digests are accepted. */
export const REFERENCE_PATTERN = `^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`;

/** The first component names a registry when it has a dot or a port, is localhost, or has upper case (as containerd reads it). */
export const EXPLICIT_REGISTRY_PATTERN = "^(?:localhost|[^/]*[.:A-Z][^/]*)/";

/** A tag after the last "/" (a ":" before a "/" is a registry port, not a tag). */
export const TAGGED_PATTERN = "^[^@]*:[^/:@]+(?:@.*)?$";
export const LATEST_PATTERN = "^[^@]*:latest(?:@.*)?$";
export const DIGEST_PATTERN = "@sha256:[a-f0-9]{64}$";

/** Where short names resolve: `nginx` is docker.io/library/nginx, `team/app` is docker.io/team/app. */
export const DEFAULT_REGISTRY = "docker.io/";
export const DEFAULT_REGISTRY_LIBRARY = "docker.io/library/";

/**
 * Docker Hub's spellings, all one registry: the runtime pulls `docker.io/x` from registry-1.docker.io, and
 * policy-controller (go-containerregistry) rewrites `docker.io/x` and `x` to `index.docker.io/x`. An allowed
 * entry written with any of them allows all three.
 */
export const DOCKER_HUB_HOSTS = ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] as const;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const HUB_HOST = `(?:${DOCKER_HUB_HOSTS.map((host) => escape(host)).join("|")})`;

/** An allowed entry in its canonical spelling: Docker Hub's other host names become docker.io/. */
export function canonicalRegistryPrefix(prefix: string): string {
    const host = DOCKER_HUB_HOSTS.find((h) => prefix.startsWith(h));
    return host ? DEFAULT_REGISTRY + prefix.slice(host.length) : prefix;
}

/**
 * The raw references one allowed entry admits, as two RE2 patterns: `explicit` for references that name
 * their registry, `implicit` for short Docker Hub names (undefined: none). Written as patterns so that
 * the CEL policies and imageVerdict() run the very same test, without string functions CEL may lack.
 * On Docker Hub a single path component means library/ (`docker.io/nginx` is docker.io/library/nginx).
 */
export function registryPatterns(prefix: string): { explicit: string; implicit?: string } {
    const canonical = canonicalRegistryPrefix(prefix);
    if (!canonical.startsWith(DEFAULT_REGISTRY)) return { explicit: `^${escape(canonical)}` };
    const path = canonical.slice(DEFAULT_REGISTRY.length);
    // Tags and digests hold no "/", so "[^/]*$" is a single-component name with whatever follows it.
    const rest = path === "" ? "" : path === "library/" ? "(?:library/|[^/]*$)" : escape(path);
    return { explicit: `^${HUB_HOST}${rest}`, implicit: `^${rest}` };
}

/** The gateway template of Istio's injector fills `image: auto` of the container named istio-proxy. */
export const INJECTOR_IMAGE_PLACEHOLDER = "auto";
export const INJECTED_PROXY_CONTAINER = "istio-proxy";
export const INJECT_LABEL = "sidecar.istio.io/inject";
export const INJECT_TEMPLATES_ANNOTATION = "inject.istio.io/templates";
/** The annotation lists templates separated by commas; `gateway` must be one of them. */
export const GATEWAY_TEMPLATE_PATTERN = "(?:^|,)gateway(?:,|$)";

/**
 * Whether the injector replaces this container's image before any validating admission sees the pod:
 * only `image: auto` of the istio-proxy container, in a pod template that asks for injection
 * (label sidecar.istio.io/inject: "true") with the gateway template.
 */
export function injectorFillsImage(
    metadata: { labels?: unknown; annotations?: unknown },
    container: { name?: unknown; image?: unknown },
    list: "containers" | "initContainers" | "ephemeralContainers" = "containers",
): boolean {
    const labels = (metadata.labels ?? {}) as Record<string, unknown>;
    const annotations = (metadata.annotations ?? {}) as Record<string, unknown>;
    const templates = annotations[INJECT_TEMPLATES_ANNOTATION];
    return (
        list === "containers" &&
        container.name === INJECTED_PROXY_CONTAINER &&
        container.image === INJECTOR_IMAGE_PLACEHOLDER &&
        labels[INJECT_LABEL] === "true" &&
        typeof templates === "string" &&
        new RegExp(GATEWAY_TEMPLATE_PATTERN).test(templates)
    );
}

export interface ImageRuleOptions {
    /** Registry prefixes, each ending in "/", matched against the normalised reference. */
    allowedRegistries: readonly string[];
    requireDigest: boolean;
}

export type ImageRule = "reference" | "registry" | "floating-tag" | "digest";

export interface ImageViolation {
    rule: ImageRule;
    message: string;
}

export interface ImageVerdict {
    image: string;
    allowed: boolean;
    violations: ImageViolation[];
}

const regex = (pattern: string) => new RegExp(pattern);
const REFERENCE = regex(REFERENCE_PATTERN);
const EXPLICIT_REGISTRY = regex(EXPLICIT_REGISTRY_PATTERN);
const TAGGED = regex(TAGGED_PATTERN);
const LATEST = regex(LATEST_PATTERN);
const DIGEST = regex(DIGEST_PATTERN);

/** The reference the container runtime pulls, spelt canonically: docker.io/ for every Docker Hub spelling, library/ for single names. */
export function normaliseImage(image: string): string {
    let rest = image;
    if (EXPLICIT_REGISTRY.test(image)) {
        const host = DOCKER_HUB_HOSTS.find((h) => image.startsWith(h));
        if (!host) return image;
        rest = image.slice(host.length);
    }
    return rest.includes("/") ? DEFAULT_REGISTRY + rest : DEFAULT_REGISTRY_LIBRARY + rest;
}

// Each allowed entry's patterns, compiled once: a pack config names a handful of entries, and every
// container of every workload is tested against them.
const compiledRegistryPatterns = perKey((prefix: string): { explicit: RegExp; implicit?: RegExp } => {
    const { explicit, implicit } = registryPatterns(prefix);
    return { explicit: new RegExp(explicit), ...(implicit !== undefined ? { implicit: new RegExp(implicit) } : {}) };
}, 1000);

/** Whether an allowed entry admits the image: the test the CEL policies compile from the same patterns. */
export function fromAllowedRegistry(image: string, allowedRegistries: readonly string[]): boolean {
    const explicit = EXPLICIT_REGISTRY.test(image);
    return allowedRegistries.some((prefix) => {
        const patterns = compiledRegistryPatterns(prefix);
        const pattern = explicit ? patterns.explicit : patterns.implicit;
        return pattern !== undefined && pattern.test(image);
    });
}

/** Whether the image is pinned by digest (image@sha256:<64 hex>), the "digest" rule of imageVerdict. */
export function pinnedByDigest(image: string): boolean {
    return DIGEST.test(image);
}

/** go-containerregistry's default registry, the spelling policy-controller writes into resolved images. */
export const GGCR_DOCKER_HUB = "index.docker.io/";

/**
 * A reference as go-containerregistry names it (name.ParseReference, weak validation): Docker Hub is
 * index.docker.io/ (docker.io/ and short names alike), with library/ for single names; the tag, if any,
 * and the digest, if any, apart.
 */
export function parseReference(image: string): { repository: string; tag?: string; digest?: string } {
    const [name, digest] = image.split("@", 2) as [string, string | undefined];
    const slash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    const tag = colon > slash ? name.slice(colon + 1) : undefined;
    let repository = colon > slash ? name.slice(0, colon) : name;
    if (!EXPLICIT_REGISTRY.test(repository) || repository.startsWith(DEFAULT_REGISTRY)) {
        const path = repository.startsWith(DEFAULT_REGISTRY) ? repository.slice(DEFAULT_REGISTRY.length) : repository;
        repository = GGCR_DOCKER_HUB + (path.includes("/") ? path : `library/${path}`);
    } else if (repository.startsWith(GGCR_DOCKER_HUB) && !repository.slice(GGCR_DOCKER_HUB.length).includes("/")) {
        repository = `${GGCR_DOCKER_HUB}library/${repository.slice(GGCR_DOCKER_HUB.length)}`;
    }
    return { repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Each rule the image breaks; the admission policies deny exactly when this list is not empty. */
export function imageVerdict(image: string, options: ImageRuleOptions): ImageVerdict {
    const violations: ImageViolation[] = [];
    if (!REFERENCE.test(image)) {
        violations.push({
            rule: "reference",
            message: `${JSON.stringify(image)} is not a valid image reference (registry/path[:tag][@sha256:<64 hex>])`,
        });
    }
    if (!fromAllowedRegistry(image, options.allowedRegistries)) {
        violations.push({
            rule: "registry",
            message: `${image} is not from an allowed registry (allowed: ${options.allowedRegistries.join(", ")})`,
        });
    }
    if (LATEST.test(image) || !(TAGGED.test(image) || DIGEST.test(image))) {
        violations.push({
            rule: "floating-tag",
            message: `${image} uses a floating tag; pin a version tag or a digest, never :latest or no tag`,
        });
    }
    if (options.requireDigest && !pinnedByDigest(image)) {
        violations.push({ rule: "digest", message: `${image} is not pinned by digest; use <image>@sha256:<64 hex>` });
    }
    return { image, allowed: violations.length === 0, violations };
}
