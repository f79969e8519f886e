// The image rule, defined once: the admission policies compile these patterns into CEL and the
// CrossGuard pack calls imageVerdict(); both read the same allowed-registry list from stack config.
// It lives in the pack because a published pack carries only its own folder.
// Patterns use only syntax that JavaScript and RE2 (the engine of CEL's matches()) read alike.

/** A registry host (optional port) and optional path, ending in "/": what an allowed-registry entry is. */
const PREFIX_LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
export const REGISTRY_PREFIX_PATTERN =
  `^(?:(?:localhost|${PREFIX_LABEL}(?:\\.${PREFIX_LABEL})+)(?::[0-9]{1,5})?|${PREFIX_LABEL}:[0-9]{1,5})/(?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*/)*$`;

const HOST_LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";

/** The image reference grammar (host[:port]/path[:tag][@sha256:digest]); only sha256 digests are accepted. */
export const REFERENCE_PATTERN =
  `^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`;

/** The first component names a registry when it has a dot or a port, is localhost, or has upper case (as containerd reads it). */
export const EXPLICIT_REGISTRY_PATTERN = "^(?:localhost|[^/]*[.:A-Z][^/]*)/";

/** A tag after the last "/" (a ":" before a "/" is a registry port, not a tag). */
export const TAGGED_PATTERN = "^[^@]*:[^/:@]+(?:@.*)?$";
export const LATEST_PATTERN = "^[^@]*:latest(?:@.*)?$";
export const DIGEST_PATTERN = "@sha256:[a-f0-9]{64}$";

/** Where short names resolve: `nginx` is docker.io/library/nginx, `team/app` is docker.io/team/app. */
export const DEFAULT_REGISTRY = "docker.io/";
export const DEFAULT_REGISTRY_LIBRARY = "docker.io/library/";

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

/** The reference the container runtime pulls: short Docker Hub names get their implicit registry. */
export function normaliseImage(image: string): string {
  if (EXPLICIT_REGISTRY.test(image)) return image;
  return image.includes("/") ? DEFAULT_REGISTRY + image : DEFAULT_REGISTRY_LIBRARY + image;
}

/** Each rule the image breaks; the admission policies deny exactly when this list is not empty. */
export function imageVerdict(image: string, options: ImageRuleOptions): ImageVerdict {
  const violations: ImageViolation[] = [];
  if (!REFERENCE.test(image)) {
    violations.push({ rule: "reference", message: `${JSON.stringify(image)} is not a valid image reference (registry/path[:tag][@sha256:<64 hex>])` });
  }
  const normalised = normaliseImage(image);
  if (!options.allowedRegistries.some((prefix) => normalised.startsWith(prefix))) {
    violations.push({ rule: "registry", message: `${image} is not from an allowed registry (allowed: ${options.allowedRegistries.join(", ")})` });
  }
  if (LATEST.test(image) || !(TAGGED.test(image) || DIGEST.test(image))) {
    violations.push({ rule: "floating-tag", message: `${image} uses a floating tag; pin a version tag or a digest, never :latest or no tag` });
  }
  if (options.requireDigest && !DIGEST.test(image)) {
    violations.push({ rule: "digest", message: `${image} is not pinned by digest; use <image>@sha256:<64 hex>` });
  }
  return { image, allowed: violations.length === 0, violations };
}
